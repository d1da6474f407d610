// `pinwise check` on worker threads and through its persistent cache (issue 19): the output is the
// same, byte for byte, with one thread or several, with the cache cold, warm or corrupted; the
// cache is never written outside the project, through a link or inside node_modules; the walk
// never reads it. `--verbose` says on stderr how many .py files were parsed and how many came from
// the cache, which is how these tests see the cache at work.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixtureDir, runCliAsync } from './run-cli';

const timeout = 240_000;
beforeAll(() => ensureBuilt());

/** A project with 40 .py files: deprecated NumPy and pandas uses, clean files, a suppression, a fix, a nested project pinned differently. */
function project(): string {
  const files: Record<string, string> = {
    'requirements.txt': 'numpy==1.26.4\npandas==2.2.2\n',
    'sub/requirements.txt': 'numpy==2.1.0\n',
    'sub/app.py': 'import numpy as np\nx = np.float_(1)\ny = np.NaN\n',
    'suppressed.py': 'import numpy as np\nx = np.float(1)  # pinwise: ignore[deprecated-api]\ny = np.int(2)\n',
    'notes/readme.txt': 'not python\n',
    // Findings of other rules on files whose paths sort among the .py files: the merge interleaves them.
    'pkg/mod17.sh': 'pip install numpy>=1.0 torch==2.3.1 torchvision==0.1.0\n',
  };
  for (let i = 0; i < 36; i++) {
    files[`pkg/mod${String(i).padStart(2, '0')}.py`] =
      i % 3 === 0
        ? `import numpy as np\nimport pandas as pd\n\ndef f${i}(a):\n    return np.float(a) + np.int(${i})\n\ndf = pd.DataFrame()\ndf.append(df)\n`
        : i % 3 === 1
          ? `"""np.float in a docstring is not a use."""\nimport os\n\nprint(os.getcwd(), ${i})\n`
          : `from numpy import asfarray\nimport numpy\nv = numpy.alltrue([True])\nw = asfarray([${i}])\n`;
  }
  return fixtureDir(files);
}

const check = (dir: string, ...args: string[]) => runCliAsync(['check', dir, '--select', 'deprecated-api', ...args]);
const countOf = (stderr: string, what: string): number => Number(new RegExp(`(\\d+) ${what}`).exec(stderr)?.[1] ?? NaN);

describe('worker threads', () => {
  it('print the same output, byte for byte, with 1, 2 and 3 threads, in text and json, every rule on', async () => {
    const dir = project();
    for (const format of ['json', 'text']) {
      const one = await runCliAsync(['check', dir, '--no-cache', '--threads', '1', '--format', format]);
      expect(one.status).toBe(1);
      expect(one.stdout.length).toBeGreaterThan(1000);
      for (const threads of format === 'json' ? ['2', '3'] : ['2']) {
        const many = await runCliAsync(['check', dir, '--no-cache', '--threads', threads, '--format', format, '--verbose']);
        expect(many.stdout).toBe(one.stdout);
        expect(many.status).toBe(one.status);
        expect(many.stderr).toContain(`${threads} threads`);
      }
    }
    const json = JSON.parse((await check(dir, '--no-cache', '--threads', '2', '--format', 'json')).stdout) as { findings: { file: string }[] };
    const all = JSON.parse((await runCliAsync(['check', dir, '--no-cache', '--threads', '2', '--format', 'json'])).stdout) as { findings: { file: string; ruleId: string }[] };
    expect(all.findings.filter((f) => f.file === 'pkg/mod17.sh').length).toBeGreaterThan(0);
    // Every kind of file took part: findings in the nested project, none in the suppressed line's file but the one left.
    expect(new Set(json.findings.map((f) => f.file))).toEqual(new Set(['sub/app.py', 'suppressed.py', ...Array.from({ length: 36 }, (_, i) => i).filter((i) => i % 3 !== 1).map((i) => `pkg/mod${String(i).padStart(2, '0')}.py`)]));
  }, timeout);
});

describe('the cache', () => {
  it('answers an unchanged tree, re-checks only a changed file, and drops every entry when the pins change', async () => {
    const dir = project();
    const cold = await check(dir, '--no-cache', '--format', 'json');
    const first = await check(dir, '--format', 'json', '--verbose');
    expect(first.stdout).toBe(cold.stdout);
    expect(countOf(first.stderr, 'from the cache')).toBe(0);
    expect(existsSync(join(dir, '.pinwise_cache', '.gitignore'))).toBe(true);

    const second = await check(dir, '--format', 'json', '--verbose');
    expect(second.stdout).toBe(cold.stdout);
    expect(countOf(second.stderr, 'from the cache')).toBe(38);
    expect(countOf(second.stderr, 'parsed')).toBe(0);

    writeFileSync(join(dir, 'pkg/mod01.py'), 'import numpy as np\nz = np.float(1)\n');
    const edited = await check(dir, '--format', 'json', '--verbose');
    expect(countOf(edited.stderr, 'from the cache')).toBe(37);
    expect(countOf(edited.stderr, 'parsed')).toBe(1);
    expect(edited.stdout).toBe((await check(dir, '--no-cache', '--format', 'json')).stdout);
    expect(edited.stdout).toContain('pkg/mod01.py');

    // numpy 2.1 in the root: np.float_ is removed there too, and every cached answer is stale.
    writeFileSync(join(dir, 'requirements.txt'), 'numpy==2.1.0\npandas==2.2.2\n');
    const repinned = await check(dir, '--format', 'json', '--verbose');
    expect(countOf(repinned.stderr, 'from the cache')).toBe(0);
    expect(repinned.stdout).toBe((await check(dir, '--no-cache', '--format', 'json')).stdout);
  }, timeout);

  it('depends on the settings: another --select or --python is a miss', async () => {
    const dir = project();
    await check(dir, '--verbose');
    const other = await runCliAsync(['check', dir, '--verbose', '--python', '3.9']);
    expect(countOf(other.stderr, 'from the cache')).toBe(0);
  }, timeout);

  it('ignores a corrupted pack or entry: same output, no crash', async () => {
    const dir = project();
    const cold = await check(dir, '--no-cache', '--format', 'json');
    await check(dir);
    const cacheDir = join(dir, '.pinwise_cache');
    const pack = readdirSync(cacheDir).find((name) => name.startsWith('findings-'))!;
    const original = readFileSync(join(cacheDir, pack), 'utf8');
    const tampered = JSON.parse(original) as { entries: Record<string, { findings: { span: { end: number } }[] }> };
    // A span past the end of its file, a finding that is not an object: each entry is a miss.
    tampered.entries['pkg/mod00.py']!.findings[0]!.span.end = 1e9;
    (tampered.entries['pkg/mod02.py'] as unknown as { findings: unknown[] }).findings = [42];
    for (const bytes of [JSON.stringify(tampered), original.slice(0, original.length / 2), '\u0000\u0001garbage', '{"format":1,"context":null,"entries":[]}']) {
      writeFileSync(join(cacheDir, pack), bytes);
      const run = await check(dir, '--format', 'json', '--verbose');
      expect(run.status).toBe(cold.status);
      expect(run.stdout).toBe(cold.stdout);
      expect(run.stderr).not.toMatch(/internal error/);
    }
    writeFileSync(join(cacheDir, pack), JSON.stringify(tampered));
    expect(countOf((await check(dir, '--verbose')).stderr, 'from the cache')).toBe(36);
  }, timeout);

  it('is never used through a link, outside the project or inside node_modules', async () => {
    const outside = fixtureDir({});
    const linked = project();
    symlinkSync(outside, join(linked, '.pinwise_cache'));
    const run = await check(linked, '--verbose');
    expect(run.stderr).toMatch(/cache not used: .*outside the project/);
    expect(readdirSync(outside)).toEqual([]);
    // A link to a folder of the project itself is not followed either.
    const inside = project();
    mkdirSync(join(inside, 'real-cache'));
    symlinkSync(join(inside, 'real-cache'), join(inside, '.pinwise_cache'));
    expect((await check(inside)).stderr).toMatch(/cache not used: .*symbolic link/);
    expect(readdirSync(join(inside, 'real-cache'))).toEqual([]);

    const dir = project();
    const away = await check(dir, '--cache-dir', join(outside, 'cache'));
    expect(away.stderr).toMatch(/cache not used: .*outside the project/);
    expect(readdirSync(outside)).toEqual([]);

    mkdirSync(join(dir, 'node_modules'));
    const modules = await check(dir, '--cache-dir', join(dir, 'node_modules', 'cache'));
    expect(modules.stderr).toMatch(/cache not used: .*node_modules/);
    expect(readdirSync(join(dir, 'node_modules'))).toEqual([]);
    expect(existsSync(join(dir, '.pinwise_cache'))).toBe(false);
  }, timeout);

  it('is not walked, writes nothing with --no-cache, and moves with --cache-dir', async () => {
    const dir = project();
    await check(dir, '--no-cache');
    expect(existsSync(join(dir, '.pinwise_cache'))).toBe(false);
    await check(dir, '--cache-dir', join(dir, 'build', 'cache'));
    expect(existsSync(join(dir, 'build', 'cache', '.gitignore'))).toBe(true);
    expect(existsSync(join(dir, '.pinwise_cache'))).toBe(false);
    // Dependency files planted in either cache folder are never read.
    mkdirSync(join(dir, '.pinwise_cache'));
    for (const folder of ['.pinwise_cache', 'build/cache']) writeFileSync(join(dir, folder, 'requirements.txt'), 'onnxruntime==1.17.0\nonnxruntime-gpu==1.17.0\n');
    const run = await runCliAsync(['check', dir, '--format', 'json', '--cache-dir', join(dir, 'build', 'cache')]);
    expect(run.stdout).not.toContain('onnxruntime');
  }, timeout);
});
