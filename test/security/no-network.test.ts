// Pinwise never executes workspace content, follows a URL or opens a socket:
// 1. statically, no network or process module is reachable from the engine;
// 2. at run time, the CLI and the language server analyse (and fix) a project with
//    every process/socket/DNS/fetch entry point trapped, and none is called;
// 3. the CLI runs under Node's permission model with child processes and workers denied;
// 4. the manifest declares untrusted-workspace support.
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, ensureBuilt } from '../cli/run-cli';
import { repoRoot } from '../support/analyze';
import { nodeFlags } from '../support/node-flags';
import { runStress } from '../stress/driver';

const forbidden = ['http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns', 'child_process', 'worker_threads', 'cluster', 'inspector', 'vm', 'wasi'];
const preload = join(__dirname, 'deny-network.cjs');
const example = join(repoRoot, 'examples', 'broken-ml-project');
let scratch: string;
let denyLog: string;

beforeAll(() => {
  ensureBuilt();
  scratch = mkdtempSync(join(tmpdir(), 'pinwise-security-'));
  denyLog = join(scratch, 'denied.log');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const denied = (): string => (existsSync(denyLog) ? readFileSync(denyLog, 'utf8') : '');
const trapped = (what: RegExp): number => (existsSync(`${denyLog}.loaded`) ? readFileSync(`${denyLog}.loaded`, 'utf8').split('\n').filter((l) => what.test(l)).length : 0);

describe('the engine cannot reach the network or start processes', () => {
  it('imports no Node built-in module at all, and names no fetch/XMLHttpRequest/WebSocket/eval', async () => {
    const result = await build({
      entryPoints: [join(repoRoot, 'server', 'src', 'engine', 'index.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const imported = new Set<string>();
    // The YAML parser (for conda files and CI workflows) takes `process` for its warnings and `buffer`
    // for `!!binary` scalars: neither does I/O. Nothing else may import a built-in.
    const yamlOnly = new Set(['process', 'buffer']);
    for (const [file, input] of Object.entries(result.metafile.inputs)) {
      for (const dep of input.imports) {
        if (!builtins.has(dep.path)) continue;
        const name = dep.path.replace(/^node:/, '');
        if (yamlOnly.has(name) && file.startsWith('node_modules/yaml/')) continue;
        imported.add(name);
      }
    }
    // The engine is pure (no I/O at all): any built-in would be a regression worth a look.
    expect([...imported].filter((m) => forbidden.includes(m.split('/')[0]!))).toEqual([]);
    expect([...imported]).toEqual([]);
    const engineSources = Object.keys(result.metafile.inputs).filter((p) => p.startsWith('server/src/engine/'));
    expect(engineSources.length).toBeGreaterThan(10);
    for (const path of engineSources) {
      // Code style has no space before a call's parenthesis; prose in docs strings does ("at import (`…`)").
      const source = readFileSync(join(repoRoot, path), 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
      expect(source, path).not.toMatch(/\b(fetch|XMLHttpRequest|WebSocket|eval|importScripts|require|import)\(|new\s+Function\(/);
    }
  });
});

describe('at run time nothing spawns, connects, resolves or fetches', () => {
  const run = (args: string[], cwd = repoRoot, extraNode: string[] = []) =>
    spawnSync(process.execPath, [...nodeFlags, ...extraNode, '--require', preload, cliPath, ...args], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', PINWISE_DENY_LOG: denyLog },
    });

  it('the trap works (a control run that spawns is caught)', () => {
    const control = spawnSync(process.execPath, ['--require', preload, '-e', "try { require('node:child_process').spawnSync('true') } catch {}"], {
      encoding: 'utf8',
      env: { ...process.env, PINWISE_DENY_LOG: join(scratch, 'control.log') },
    });
    expect(control.status).toBe(0);
    expect(readFileSync(join(scratch, 'control.log'), 'utf8')).toMatch(/child_process\.spawnSync called/);
  });

  it('pinwise check (text, json, sarif) and --fix on the example project', () => {
    const copy = join(scratch, 'project');
    cpSync(example, copy, { recursive: true });
    for (const args of [['check', example], ['check', example, '--format', 'json'], ['check', example, '--format', 'sarif'], ['check', copy, '--fix', '--unsafe-fixes'], ['parse', join(example, 'requirements.txt')]]) {
      const result = run(args);
      expect(result.stderr, args.join(' ')).not.toMatch(/not allowed|internal error/);
      expect([0, 1], args.join(' ')).toContain(result.status);
    }
    expect(trapped(/cli\.js/)).toBe(5);
    expect(denied()).toBe('');
  });

  it('the language server through a seeded storm of edits, requests and audits', async () => {
    const before = process.env['NODE_OPTIONS'];
    process.env['NODE_OPTIONS'] = `${before ?? ''} --require ${preload}`.trim();
    process.env['PINWISE_DENY_LOG'] = denyLog;
    try {
      const report = await runStress({ seed: 5, operations: 300, files: 8 });
      expect(report.violations).toEqual([]);
      expect(report.audits + report.edits).toBeGreaterThan(0);
      expect(trapped(/server\.js --stdio/)).toBe(1);
    } finally {
      if (before === undefined) delete process.env['NODE_OPTIONS'];
      else process.env['NODE_OPTIONS'] = before;
      delete process.env['PINWISE_DENY_LOG'];
    }
    expect(denied()).toBe('');
  }, 120_000);

  it("the CLI runs under Node's permission model with child processes, workers and writes denied", () => {
    const result = spawnSync(process.execPath, ['--experimental-permission', '--allow-fs-read=*', cliPath, 'check', example, '--format', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(result.stderr).not.toMatch(/ERR_ACCESS_DENIED|internal error/);
    expect(result.status).toBe(1); // the example project has errors: found, not crashed
    expect(JSON.parse(result.stdout).findings.length).toBeGreaterThan(0);
  });
});

describe('manifest', () => {
  it('declares support for untrusted workspaces (read-only analysis) and limited virtual workspaces', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    expect(manifest.capabilities?.untrustedWorkspaces?.supported).toBe(true);
    expect(manifest.capabilities?.untrustedWorkspaces?.description).toMatch(/never runs code/);
    expect(manifest.capabilities?.virtualWorkspaces?.supported).toBe('limited');
  });
});
