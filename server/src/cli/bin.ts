// Entry of dist/cli.js (the `pinwise` bin). Kept apart from main.ts so that other bundles (the
// GitHub Action) can use the CLI's functions without starting it.
import { main } from './main';

void main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  isTTY: process.stdout.isTTY === true,
}).then((code) => {
  process.exitCode = code;
});
