// Work linear in the input, and every budget that is hit reported (issue 12, "bounded work").
// Each case here hung, took tens of seconds or crashed before its fix. The sizes are generous;
// the per-test timeout (20 s on a shared 2-core machine) is the time bound, the findings the result.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, cliPath, fixtureDir } from '../cli/run-cli';
import { check } from '../support/analyze';
import { nodeFlags } from '../support/node-flags';

const timeout = 20_000;
const lines = (count: number, line: (i: number) => string) => Array.from({ length: count }, (_, i) => line(i)).join('\n') + '\n';
const byRule = (findings: { ruleId: string }[]) => findings.reduce<Record<string, number>>((n, f) => ({ ...n, [f.ruleId]: (n[f.ruleId] ?? 0) + 1 }), {});

beforeAll(() => ensureBuilt());

describe('torch-family-mismatch is linear in pins', () => {
  it('8,000 alternating torch / torchvision lines: one finding per torchvision line', () => {
    const text = lines(8_000, (i) => (i % 2 ? 'torchvision==0.17.0' : 'torch==2.3.1'));
    const findings = check({ 'requirements.txt': text }, { select: ['torch-family-mismatch'] });
    expect(findings).toHaveLength(4_000);
    expect(findings.every((f) => text.slice(f.span.start, f.span.end) === '==0.17.0')).toBe(true);
  }, timeout);

  it('a 10,000-line file repeating one stack with markers: each stray torchvision found once', () => {
    const text = lines(10_000, (i) => (i % 2 ? 'torchvision==0.17.0 ; sys_platform == "linux"' : 'torch==2.3.1 ; python_version >= "3.9"'));
    const findings = check({ 'requirements.txt': text }, { select: ['torch-family-mismatch'] });
    expect(findings).toHaveLength(5_000);
    expect(findings[0]!.related[0]!.span).toEqual({ start: 5, end: 12 }); // the first torch pin
  }, timeout);

  it('thousands of distinct markers: the pairs past the budget are reported as a note, not dropped', () => {
    // Every torch pin excludes every torchvision pin (linux vs win32), so every pair asks the marker solver.
    const text = lines(1_000, (i) =>
      i % 2 ? `torchvision==0.17.0 ; sys_platform == "win32" and platform_release != "${i}"` : `torch==2.3.1 ; sys_platform == "linux" and platform_release != "${i}"`,
    );
    const findings = check({ 'requirements.txt': text }, { select: ['torch-family-mismatch'] });
    expect(findings.map((f) => [f.level, f.file, f.span.start])).toEqual([['note', 'requirements.txt', 0]]);
    expect(findings[0]!.message).toMatch(/^Not every torch-family pair of this environment was checked: .*budget/);
  }, timeout);
});

describe('no crash on huge arrays (no spread into a call)', () => {
  it('130,000 option lines', () => {
    const findings = check({ 'requirements.txt': 'torch==2.3.1\ntorchvision==0.17.0\n' + '--pre\n'.repeat(130_000) }, { select: ['torch-family-mismatch'] });
    expect(findings).toHaveLength(1);
  }, timeout);

  it('130,000 findings through the CLI', async () => {
    const dir = fixtureDir({});
    writeFileSync(join(dir, 'requirements.txt'), 'torch==\n'.repeat(130_000));
    // Exit 1 (error-level findings) rejects the promise with the output attached.
    const run = await promisify(execFile)(process.execPath, [...nodeFlags, cliPath, 'check', dir, '--format', 'json'], { maxBuffer: 1 << 30 }).then(
      () => ({ code: 0, stdout: '', stderr: 'expected exit 1' }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(byRule((JSON.parse(run.stdout) as { findings: { ruleId: string }[] }).findings)).toEqual({ 'syntax-error': 130_000 });
  }, 60_000);
});

describe('pyproject extras and dependency groups are linear', () => {
  const pyproject = (body: string) => `[project]\nname = "x"\ndependencies = ["torch==2.3.1"]\n${body}`;

  it('one group with 1,000 include-group entries: the mismatch in one of them is found', () => {
    const groups = lines(1_000, (i) => `g${i} = ["${i === 700 ? 'torchvision==0.17.0' : `p${i}==1.0`}"]`);
    const all = `all = [${Array.from({ length: 1_000 }, (_, i) => `{include-group = "g${i}"}`).join(', ')}]\n`;
    const text = pyproject(`[dependency-groups]\n${groups}${all}`);
    const findings = check({ 'pyproject.toml': text }, { select: ['torch-family-mismatch', 'syntax-error'] });
    // Found in g700's own environment and in all's: one finding per span.
    expect(findings.map((f) => [f.ruleId, text.slice(f.span.start, f.span.end)])).toEqual([['torch-family-mismatch', '==0.17.0']]);
  }, timeout);

  it('1,000 groups each including the one before: checked up to the budget, the rest reported as a note', () => {
    const groups = lines(1_000, (i) => `g${i} = [${i > 0 ? `{include-group = "g${i - 1}"}, ` : ''}"${i === 3 ? 'torchvision==0.17.0' : `p${i}==1.0`}"]`);
    const text = pyproject(`[dependency-groups]\n${groups}`);
    const findings = check({ 'pyproject.toml': text }, { select: ['torch-family-mismatch', 'syntax-error'] });
    expect(findings.map((f) => [f.ruleId, f.level, text.slice(f.span.start, f.span.end)])).toEqual([
      ['torch-family-mismatch', 'error', '==0.17.0'],
      ['syntax-error', 'note', expect.stringMatching(/^g\d+$/)],
    ]);
    expect(findings[1]!.message).toMatch(/^Not checked: \d+ of the 1000 extras and dependency groups of this file, from 'g\d+' on\. .* the budget for one pyproject\.toml\.$/);
  }, timeout);

  it('1,000 extras naming each other over 1,000 base pins: bounded, the rest reported as a note', () => {
    const base = `dependencies = [${Array.from({ length: 1_000 }, (_, i) => `"p${i}==1.0"`).join(', ')}, "torch==2.3.1"]`;
    const extras = lines(1_000, (i) => `e${i} = ["x[e${(i + 1) % 1_000}]", "${i === 0 ? 'torchvision==0.17.0' : `q${i}==1.0`}"]`);
    const text = `[project]\nname = "x"\n${base}\n[project.optional-dependencies]\n${extras}`;
    const findings = check({ 'pyproject.toml': text }, { select: ['torch-family-mismatch', 'syntax-error'] });
    expect(findings.map((f) => [f.ruleId, f.level])).toEqual([
      ['torch-family-mismatch', 'error'],
      ['syntax-error', 'note'],
    ]);
  }, timeout);
});

describe('tree-sitter files: linear, and a budget that stops a parse is reported', () => {
  const pins = { 'requirements.txt': 'numpy==1.26.4\n' };

  it('a 100,000-link attribute chain: the deprecated API after it is still found', () => {
    const text = 'import numpy as np\nx = np' + '.b'.repeat(100_000) + '\nnp.float\n';
    const findings = check({ ...pins, 'app.py': text }, { select: ['deprecated-api'] });
    expect(findings.map((f) => text.slice(f.span.start, f.span.end))).toEqual(['np.float']);
  }, timeout);

  it('guard flags assigned from each other in many places: linear, and the use under them still found', () => {
    // Each flag is assigned 12 times from a hasattr() and two other flags: read 4 levels deep, the
    // facts of one condition multiplied to (2 * 12)^4 copies of a few names, copied again for every
    // reference under it (matplotlib's backend_svg.py took 12 s and lost all of its references).
    const flags = Array.from({ length: 8 }, (_, i) => i);
    const assignments = flags.flatMap((i) => Array.from({ length: 12 }, (_, j) => `f${i} = hasattr(np, "n${j}") or f${(i + 1) % 8} or f${(i + 3) % 8}`));
    const text = ['import numpy as np', ...assignments, 'if f0:', ...Array.from({ length: 2_000 }, () => '    x = np.sqrt(1)'), '    np.float(1)', ''].join('\n');
    const findings = check({ ...pins, 'app.py': text }, { select: ['deprecated-api'] });
    expect(findings.map((f) => text.slice(f.span.start, f.span.end))).toEqual(['np.float']);
  }, timeout);

  it('shell nesting too deep to walk is a note, not "no problems"', () => {
    const text = 'pip install torch==2.3.1 torchvision==0.17.0\n' + 'echo ' + '$('.repeat(5_000) + 'x' + ')'.repeat(5_000) + '\n';
    const findings = check({ 'setup.sh': text });
    expect(findings.map((f) => [f.ruleId, f.level])).toEqual([['syntax-error', 'note']]);
    expect(findings[0]!.message).toMatch(/^Not fully checked: its commands were not read: /);
  }, timeout);

  it('a script over the size a script may have is a note', () => {
    const text = 'pip install torch==2.3.1\nX="' + 'a'.repeat(3_000_000) + '"\n';
    const findings = check({ 'setup.sh': text });
    expect(findings.map((f) => [f.ruleId, f.level, f.message])).toEqual([['syntax-error', 'note', 'Not fully checked: it is 3000 KB, over the 2 MB a script may have to be read.']]);
  }, timeout);

  it('nested bash -c "bash -c \\"pip install …\\"" is read', () => {
    const text = 'bash -c "bash -c \\"pip install torch==2.3.1 torchvision==0.17.0\\""\n';
    const findings = check({ 'setup.sh': text }, { select: ['torch-family-mismatch'] });
    expect(findings.map((f) => text.slice(f.span.start, f.span.end))).toEqual(['==0.17.0']);
  }, timeout);
});

describe('deep TOML nesting', () => {
  it('is a budget note, not "not valid TOML"', () => {
    // 100,000 levels overflow the stack however warm the parser is: 5,000 did only while it was
    // cold, and a worker that had parsed TOML in earlier test files read them (isolate: false).
    const text = '[project]\ndependencies = ["torch==2.3.1"]\n[tool.x]\ny = ' + '{a = '.repeat(100_000) + '1' + '}'.repeat(100_000) + '\n';
    const findings = check({ 'pyproject.toml': text });
    expect(findings.map((f) => [f.ruleId, f.level, f.message])).toEqual([
      ['syntax-error', 'note', 'Not checked: this file nests too deeply to read (the TOML parser ran out of stack); its dependencies were not read.'],
    ]);
  }, timeout);
});
