// Bundles the extension-host tests (test/vscode) for `npm run test:vscode` into out/vscode-test.
// VS Code, Mocha and the launcher stay external: the host provides `vscode`, the others come from node_modules.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'mocha', '@vscode/test-electron'], logLevel: 'warning' };
await build({ ...common, entryPoints: { run: 'test/vscode/run.ts' }, outdir: 'out/vscode-test' });
await build({
  ...common,
  entryPoints: { index: 'test/vscode/suite/index.ts', 'extension.test': 'test/vscode/suite/extension.vscode.ts' },
  outdir: 'out/vscode-test/suite',
});
