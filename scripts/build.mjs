// Bundles what ships: the CLI, the language server and the VS Code client.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';

// One version everywhere: package.json's, stamped into every bundle (server/src/version.ts).
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', define: { PINWISE_VERSION: JSON.stringify(version) } };
const entries = [
  { entryPoints: ['server/src/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // A worker thread of `pinwise check` (server/src/cli/workers.ts), loaded from beside cli.js and action.js.
  { entryPoints: ['server/src/cli/check-worker.ts'], outfile: 'dist/check-worker.js' },
  { entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js', banner: { js: '#!/usr/bin/env node' } },
  // The GitHub Action (action.yml): the CLI's engine with annotations and a job summary.
  { entryPoints: ['server/src/action/main.ts'], outfile: 'dist/action.js' },
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
];
await Promise.all(entries.filter((e) => existsSync(e.entryPoints[0])).map((e) => build({ ...common, ...e })));

// The tree-sitter runtime and grammars load at run time from dist/wasm.
import { cpSync, mkdirSync } from 'node:fs';
mkdirSync('dist/wasm', { recursive: true });
for (const file of ['tree-sitter.wasm', 'tree-sitter-bash.wasm', 'tree-sitter-python.wasm']) {
  cpSync(`node_modules/@vscode/tree-sitter-wasm/wasm/${file}`, `dist/wasm/${file}`);
}

// The knowledge base: validated here, shipped as JSON (no YAML parsing or schema compiling at startup).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
const scratch = mkdtempSync(join(tmpdir(), 'pinwise-build-'));
try {
  await build({ ...common, sourcemap: false, entryPoints: ['scripts/compile-kb.ts'], outfile: join(scratch, 'compile-kb.js') });
  createRequire(import.meta.url)(join(scratch, 'compile-kb.js')).compileKnowledgeBase(process.cwd());
} catch (error) {
  // A knowledge-base problem is the data's, not the build's: its message (file:line per problem) is the report.
  if (error?.name !== 'KnowledgeBaseError' && !String(error?.constructor?.name).includes('KnowledgeBaseError')) throw error;
  console.error(`build: ${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

// The knowledge base's TypeScript types are generated from its schemas: committed files that drift fail the build.
import { kbTypesDrift } from './kb-types.mjs';
const drift = await kbTypesDrift(process.cwd());
if (drift.length > 0) {
  console.error(`build: generated knowledge-base types are out of date with rules/schema (run \`npm run kb:types\`): ${drift.join(', ')}`);
  process.exitCode = 1;
}
