// Entry of dist/server.js (`pinwise-language-server`): LSP over --stdio, --node-ipc or --socket=N.
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { loadGrammars } from '../host/grammars';
import { loadShippedKnowledgeBase } from '../host/knowledge-base';
import { startServer } from './server';
import { pinwiseVersion } from '../version';

const usage = `Usage: pinwise-language-server [--stdio | --node-ipc | --socket=PORT]

The Pinwise language server. With no transport flag it speaks LSP over stdin/stdout.
`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(usage);
  process.exit(0);
}
if (args.includes('--version')) {
  process.stdout.write(`${pinwiseVersion}\n`);
  process.exit(0);
}
if (!args.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) process.argv.push('--stdio');

// Keep V8's young generation at its starting size: each analysis makes megabytes of short-lived
// objects, and letting the nursery grow to its default 16 MB added ~30 MB to the server's resident
// memory (a 2,000-line requirements.txt edited 100 times: ~145 -> ~115 MB peak) for 1-3 ms per
// analysis.
setFlagsFromString('--semi-space-growth-factor=1');

const connection = createConnection(ProposedFeatures.all);
// Nothing but the protocol may reach stdout: route stray console output to the client's log.
console.log = (...values: unknown[]) => connection.console.log(values.map(String).join(' '));
console.info = console.log;
console.warn = (...values: unknown[]) => connection.console.warn(values.map(String).join(' '));
console.error = (...values: unknown[]) => connection.console.error(values.map(String).join(' '));
process.on('uncaughtException', (error) => connection.console.error(`Uncaught: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`Unhandled rejection: ${String(reason)}`));

startServer(connection, {
  // dist/server.js -> rules/ at the package root (shipped in the .vsix and the npm package).
  loadKnowledgeBase: () => loadShippedKnowledgeBase(__dirname),
  loadGrammars,
  // dist/server.js -> docs/rules at the package root: the pages the diagnostics' code links open.
  docsDir: join(__dirname, '..', 'docs', 'rules'),
});
