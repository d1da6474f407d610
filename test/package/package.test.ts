// The npm package as users get it: `npm pack`, installed from the tarball offline into a temporary
// prefix (no dependencies to fetch: the bundles carry them), run through the installed bins.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from '../cli/run-cli';
import { repoRoot } from '../support/analyze';
import { ruleIds } from '../../server/src/engine/rules';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
// No user config, no registry: whatever npm needs must already be in the tarball.
const npmEnv = { ...process.env, npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', NO_COLOR: '1' };
// Asynchronous, so a slow pack or install does not block the worker's heartbeats to vitest.
const npm = async (args: string[], cwd: string) => (await promisify(execFile)('npm', args, { cwd, env: npmEnv, encoding: 'utf8', maxBuffer: 64 << 20 })).stdout;

let packed: { filename: string; size: number; files: { path: string }[]; bundled?: string[] };
let tarball: string;
let prefix: string;

beforeAll(async () => {
  ensureBuilt();
  const scratch = mkdtempSync(join(tmpdir(), 'pinwise-pack-'));
  [packed] = JSON.parse(await npm(['pack', '--json', '--pack-destination', scratch], repoRoot));
  tarball = join(scratch, packed.filename);
  prefix = join(scratch, 'prefix');
  // From an empty folder, as `npm install -g ./pinwise-x.tgz` on a user's machine.
  await npm(['install', '--global', '--prefix', prefix, tarball], mkdtempSync(join(tmpdir(), 'pinwise-user-')));
}, 120_000);

const bin = (name: string) => join(prefix, 'bin', name);
const run = (name: string, args: string[], cwd: string) => spawnSync(bin(name), args, { cwd, env: npmEnv, encoding: 'utf8' });

describe('npm package', () => {
  it('is public, depends on nothing at run time and ships only what runs', () => {
    expect(manifest.private).toBeUndefined();
    expect(manifest.dependencies ?? {}).toEqual({});
    const paths = packed.files.map((f) => f.path).sort();
    for (const needed of ['dist/cli.js', 'dist/check-worker.js', 'dist/server.js', 'dist/action.js', 'dist/extension.js', 'syntaxes/pip-requirements.tmLanguage.json', 'images/icon.png', 'dist/kb.json', 'dist/wasm/tree-sitter.wasm', 'dist/wasm/tree-sitter-python.wasm', 'dist/wasm/tree-sitter-bash.wasm', 'docs/rules/torch-family-mismatch.md', 'README.md', 'LICENSE', 'CHANGELOG.md', 'package.json']) {
      expect(paths).toContain(needed);
    }
    expect(paths.filter((p) => /\.(map|ts)$|^(server|client|test|scripts|rules|examples)\//.test(p))).toEqual([]);
    // Every rule's page: the diagnostics' code links and "Show documentation" open these (docs in the box).
    for (const id of ruleIds) expect(paths).toContain(`docs/rules/${id}.md`);
    // The compressed tarball: bundles (CLI, server, check worker, action, extension), grammars and the compiled
    // knowledge base. It grew past 2 MB with the new file kinds and the worker bundle.
    expect(packed.size).toBeLessThan(3_000_000);
  });

  it('the .vsix ships every rule page too (what `vsce package` packs, listed without packing)', () => {
    const listed = spawnSync(join(repoRoot, 'node_modules', '.bin', 'vsce'), ['ls', '--no-dependencies'], { cwd: repoRoot, env: npmEnv, encoding: 'utf8' });
    expect(listed.status, listed.stderr).toBe(0);
    const files = listed.stdout.split('\n').map((line) => line.trim());
    for (const id of ruleIds) expect(files).toContain(`docs/rules/${id}.md`);
  });

  it('checks the example project through the installed bin, offline', () => {
    const project = mkdtempSync(join(tmpdir(), 'pinwise-example-'));
    cpSync(join(repoRoot, 'examples', 'broken-ml-project'), project, { recursive: true });
    const { status, stdout, stderr } = run('pinwise', ['check', '.', '--format', 'json'], project);
    expect(stderr).toBe('');
    expect(status).toBe(1);
    const report = JSON.parse(stdout);
    // Exactly what the repository's own build reports: nothing lost in packing.
    expect(report).toEqual(JSON.parse(runCli(['check', '.', '--format', 'json'], project).stdout));
    const found = (ruleId: string, file: string, line: number) => report.findings.some((f: { ruleId: string; file: string; startLine: number }) => f.ruleId === ruleId && f.file === file && f.startLine === line);
    expect(found('torch-family-mismatch', 'requirements.txt', 8)).toBe(true);
    expect(found('deprecated-api', 'app/preprocess.py', 9)).toBe(true); // the Python grammar shipped
    expect(found('inconsistent-pins', 'server-setup.sh', 7)).toBe(true); // the bash grammar shipped
  });

  it('carries one version, package.json’s, in the CLI, SARIF and the language server', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'pinwise-version-'));
    expect(run('pinwise', ['--version'], cwd).stdout).toMatch(new RegExp(`^pinwise ${manifest.version.replace(/\./g, '\\.')} \\(knowledge current to \\d{4}-\\d{2}-\\d{2}\\)\n$`));
    expect(run('pinwise-language-server', ['--version'], cwd).stdout).toBe(`${manifest.version}\n`);
    const sarif = JSON.parse(run('pinwise', ['check', '.', '--format', 'sarif'], cwd).stdout);
    expect(sarif.runs[0].tool.driver.version).toBe(manifest.version);
    expect(sarif.runs[0].tool.driver.properties.knowledgeDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('prints rule documentation from the docs it ships', () => {
    const { status, stdout } = run('pinwise', ['rule', 'numpy-abi-mismatch'], tmpdir());
    expect(status).toBe(0);
    expect(stdout).toBe(readFileSync(join(repoRoot, 'docs', 'rules', 'numpy-abi-mismatch.md'), 'utf8').replace(/\n*<!--[^]*?-->\s*$/, '\n'));
  });
});
