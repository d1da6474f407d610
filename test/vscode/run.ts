// `npm run test:vscode`: the extension-host tests in a real VS Code (Electron), through
// @vscode/test-electron. It downloads VS Code unless VSCODE_EXECUTABLE names an installed one, so
// it is not part of `.ci/run` (no network to VS Code's servers there); code-server covers CI.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const repoRoot = resolve(__dirname, '..', '..');
  // The tests apply fixes: they work on a copy of the example project, never on the checkout.
  const workspace = mkdtempSync(join(tmpdir(), 'pinwise-vscode-'));
  cpSync(join(repoRoot, 'examples', 'broken-ml-project'), workspace, { recursive: true });
  const userData = mkdtempSync(join(tmpdir(), 'pinwise-vscode-user-'));
  try {
    await runTests({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(__dirname, 'suite', 'index.js'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${userData}`],
      extensionTestsEnv: { PINWISE_TEST_WORKSPACE: workspace },
      ...(process.env['VSCODE_EXECUTABLE'] ? { vscodeExecutablePath: process.env['VSCODE_EXECUTABLE'] } : {}),
    });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
    rmSync(userData, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
