// Real Neovim (headless, its built-in LSP client) driving the built language server:
// diagnostics arrive, a quick fix applies, the file on disk is exactly as expected.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const serverJs = join(root, 'dist', 'server.js');
const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const hasNvim = nvim.status === 0;
if (!hasNvim) console.warn('Skipping the Neovim end-to-end test: `nvim` is not on PATH (apt-get install -y neovim).');

interface Report {
  ok: boolean;
  error?: string;
  nvim: string;
  diagnostics: { code: string; source: string; range: { start: { line: number } } }[];
  code_actions: { title: string; kind: string }[];
  applied: string;
  buffer_after: string[];
  diagnostics_after_fix: { code: string; range: { start: { line: number } } }[];
}

const work = mkdtempSync(join(tmpdir(), 'pinwise-nvim-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function runNeovim(file: string, code: string, action: string): Report {
  const out = join(work, 'report.json');
  const run = spawnSync('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${join(__dirname, 'lsp_e2e.lua')}`], {
    env: { ...process.env, LSP_CMD: JSON.stringify([process.execPath, serverJs, '--stdio']), LSP_FILE: file, LSP_OUT: out, LSP_EXPECT_CODE: code, LSP_ACTION: action },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (!existsSync(out)) throw new Error(`Neovim wrote no report (status ${run.status}): ${run.stderr}${run.stdout}`);
  return JSON.parse(readFileSync(out, 'utf8')) as Report;
}

describe.skipIf(!hasNvim)('Neovim as an LSP client', () => {
  it('shows Pinwise diagnostics and applies "Disable <rule> for this line" to the file', () => {
    expect(existsSync(serverJs), 'run `npm run build` first').toBe(true);
    const file = join(work, 'requirements.txt');
    writeFileSync(file, '-r missing.txt\ntorch=2.1.2\nnumpy==1.26.4\n');
    const report = runNeovim(file, 'syntax-error', 'Pinwise (syntax-error): Disable syntax-error for this line');
    expect(report.error ?? null).toBeNull();
    expect(report.ok).toBe(true);
    expect(report.diagnostics.map((d) => [d.code, d.range.start.line])).toEqual(expect.arrayContaining([['unresolved-include', 0], ['syntax-error', 1]]));
    expect(report.diagnostics.every((d) => d.source === 'pinwise')).toBe(true);
    expect(report.code_actions.map((a) => a.title)).toContain('Pinwise (syntax-error): Disable syntax-error for this line');
    expect(report.buffer_after).toEqual(['-r missing.txt', 'torch=2.1.2 # pinwise: ignore[syntax-error]', 'numpy==1.26.4']);
    expect(report.diagnostics_after_fix.some((d) => d.code === 'syntax-error' && d.range.start.line === 1)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('-r missing.txt\ntorch=2.1.2 # pinwise: ignore[syntax-error]\nnumpy==1.26.4\n');
  });
});
