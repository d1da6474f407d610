// Runs the CLI on real files: runCli starts the built CLI (dist/cli.js) as a user would, a real
// process; runCliInProcess calls the same entry (main() of server/src/cli/main.ts, which bin.ts
// calls with the process's arguments, stdout, stderr and working directory) in the test's own
// process, with its output captured, as most CLI tests do: a process start costs ~0.3 s of CPU,
// and the suite made hundreds. What only the bundle and a real process show (the bin, exit codes
// through the shell, worker threads, the shipped kb.json) is tested through runCli.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { main } from '../../server/src/cli/main';
import type { KnowledgeBase } from '../../server/src/engine/kb/types';
import { repoRoot } from '../support/analyze';
import { testKnowledgeBase } from '../support/knowledge-base';
import { nodeFlags } from '../support/node-flags';

export const cliPath = join(repoRoot, 'dist', 'cli.js');
export const actionPath = join(repoRoot, 'dist', 'action.js');

/** Builds the bundles once when a test file runs on its own (npm test builds first). */
export function ensureBuilt(): void {
  if (!existsSync(cliPath) || !existsSync(actionPath) || !existsSync(join(repoRoot, 'dist', 'check-worker.js'))) execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot });
}

export function runCli(args: string[], cwd = repoRoot): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...nodeFlags, cliPath, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

let knowledgeBase: KnowledgeBase | undefined;

/**
 * `pinwise ARGS` run from `cwd` in this process: main() with stdout and stderr captured, the
 * knowledge base the suite validated (the same rules/ that dist/kb.json is built from). From the
 * sources there is no worker script, so .py files are checked on this thread.
 */
export async function runCliInProcess(args: string[], cwd = repoRoot): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await main(args, { out: (text) => void (stdout += text), err: (text) => void (stderr += text), isTTY: false, cwd }, { knowledgeBase: () => (knowledgeBase ??= testKnowledgeBase()) });
  return { status, stdout, stderr };
}

/**
 * runCli without blocking the worker: files with many CLI runs use it, since a worker blocked for a
 * minute on a loaded machine misses vitest's RPC replies ("Timeout calling onTaskUpdate").
 */
export function runCliAsync(args: string[], cwd = repoRoot): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [...nodeFlags, cliPath, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      done({ status: error ? Number((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

/** Writes a fixture folder; values may be strings or raw bytes. */
export function fixtureDir(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinwise-cli-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** A finding of `pinwise check --format json`, with the fields these tests read. */
export interface JsonFinding {
  ruleId: string;
  level: string;
  file: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  message: string;
  related: { file: string; startLine: number; startColumn: number; message: string }[];
  fixes: { title: string; applicability: string }[];
  /** Notebooks: the cell and the line in it. */
  cell?: number;
  cellLine?: number;
}

/** The findings of a `--format json` report. */
export const findingsOf = (stdout: string): JsonFinding[] => (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;
