// Benchmark (not a test): `pinwise check --select deprecated-api` (the shipped CLI, dist/cli.js)
// against Ruff's WASM build with its NumPy rules (NPY001, NPY201) on large real Python trees:
//   - debian-ml: every .py file of Debian's torch, torchvision, torchaudio, scikit-learn,
//     scikit-image, pandas and matplotlib packages (scripts/debian-py-corpus.sh builds it), where
//     most files import torch or numpy, also at 2x and 4x (hard-linked copies) for the growth;
//   - stdlib: the Python standard library plus the installed numpy and scipy sources (copied once).
//
//   npm run bench:python -- [--runs N] [--threads N] [--trees debian,stdlib] [--no-growth]
//                           [--debian DIR] [--json]
//
// Both tools run as whole child processes, timed from spawn to exit (Node's start-up included in
// both), one after the other in the same session. CPU time (user + system, all threads) and peak
// RSS come from each child's own process.resourceUsage(), written at exit by a preloaded hook.
// Ruff runs in its best setup: `node --liftoff-only` (no optimizing compile of its 30 MB module),
// N worker threads with one Workspace each, files split into shares of equal bytes; it is handed the
// file list (the walk is not timed for it). Pinwise walks the tree itself, as a user runs it.
// Pinwise runs cold (`--no-cache`) and then twice with a fresh cache folder (the first run fills
// it, the second reads it). The load average is printed with every figure: read "quiet" as under
// half a core per core busy before the run.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const repoRoot = join(__dirname, '..');
const cli = join(repoRoot, 'dist', 'cli.js');

interface FileRef {
  abs: string;
  rel: string;
  bytes: number;
}
interface Hit {
  file: string;
  row: number;
  column: number;
  code: string;
  message: string;
}
interface Measured {
  wallMs: number;
  cpuMs: number;
  rssMb: number;
  load: number;
}
interface PinwiseRun extends Measured {
  findings: number;
  parsed: number | null;
  cached: number | null;
  hits: Hit[];
}
interface RuffRun extends Measured {
  diagnostics: number;
  hits: Hit[];
}

// ---------------------------------------------------------------- measuring a child process
const scratch = mkdtempSync(join(tmpdir(), 'pinwise-bench-'));
const hook = join(scratch, 'usage-hook.cjs');
writeFileSync(
  hook,
  `const { writeFileSync } = require('node:fs');
process.on('exit', () => { const u = process.resourceUsage(); writeFileSync(process.env.PINWISE_BENCH_USAGE, JSON.stringify({ cpuUs: u.userCPUTime + u.systemCPUTime, maxRssKb: u.maxRSS })); });
`,
);

function measure(args: string[], options: { cwd?: string } = {}): Measured & { stdout: string; stderr: string; status: number | null } {
  const usageFile = join(scratch, `usage-${process.hrtime.bigint()}.json`);
  const load = loadavg()[0]!;
  const t0 = performance.now();
  const out = spawnSync(process.execPath, ['--require', hook, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, PINWISE_BENCH_USAGE: usageFile, NO_COLOR: '1' },
  });
  const wallMs = performance.now() - t0;
  const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { cpuUs: number; maxRssKb: number };
  return { wallMs, cpuMs: usage.cpuUs / 1000, rssMb: usage.maxRssKb / 1024, load, stdout: out.stdout, stderr: out.stderr, status: out.status };
}

// ---------------------------------------------------------------- Ruff child (plain JS, run with --liftoff-only)
const ruffChild = join(scratch, 'ruff-child.cjs');
writeFileSync(
  ruffChild,
  `const { Worker } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const [listFile, threads] = process.argv.slice(2);
const shares = JSON.parse(readFileSync(listFile, 'utf8')).slice(0, Number(threads));
const workerCode = \`
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const ruff = require(workerData.ruff);
const ws = new ruff.Workspace({ lint: { select: ['NPY001', 'NPY201'] } }, ruff.PositionEncoding.Utf16);
const hits = [];
for (const f of workerData.files) {
  let diagnostics;
  try { diagnostics = ws.check(readFileSync(f.abs, 'utf8')); } catch { continue; }
  for (const d of diagnostics) if (d.code && d.code.startsWith('NPY')) hits.push({ file: f.rel, row: d.start_location.row, column: d.start_location.column, code: d.code, message: d.message });
}
parentPort.postMessage(hits);
\`;
Promise.all(shares.map((files) => new Promise((res, rej) => {
  const w = new Worker(workerCode, { eval: true, workerData: { files, ruff: ${JSON.stringify(require.resolve('@astral-sh/ruff-wasm-nodejs'))} } });
  w.once('message', res); w.once('error', rej);
}))).then((all) => process.stdout.write(JSON.stringify(all.flat())));
`,
);

function runRuff(files: FileRef[], threads: number): RuffRun {
  const listFile = join(scratch, `shares-${files.length}-${threads}.json`);
  if (!existsSync(listFile)) writeFileSync(listFile, JSON.stringify(shares(files, threads)));
  const run = measure(['--liftoff-only', ruffChild, listFile, String(threads)]);
  if (run.status !== 0) throw new Error(`ruff child failed: ${run.stderr}`);
  const hits = JSON.parse(run.stdout) as Hit[];
  return { wallMs: run.wallMs, cpuMs: run.cpuMs, rssMb: run.rssMb, load: run.load, diagnostics: hits.length, hits };
}

/** Splits files into `n` shares of about equal bytes (largest first, into the lightest share). */
function shares(files: FileRef[], n: number): FileRef[][] {
  const bins = Array.from({ length: n }, () => ({ bytes: 0, files: [] as FileRef[] }));
  for (const f of [...files].sort((a, b) => b.bytes - a.bytes)) {
    const bin = bins.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    bin.files.push(f);
    bin.bytes += f.bytes;
  }
  return bins.map((b) => b.files);
}

// ---------------------------------------------------------------- Pinwise (the shipped CLI)
let cliFlags: Set<string> | undefined;
/** Flags this build of the CLI knows (the benchmark also runs against builds before the cache existed). */
function cliKnows(flag: string): boolean {
  cliFlags ??= new Set(execFileSync(process.execPath, [cli, '--help'], { encoding: 'utf8' }).match(/--[a-z-]+/g) ?? []);
  return cliFlags.has(flag);
}

function runPinwise(tree: string, threads: number, cache: 'off' | string): PinwiseRun {
  const args = [cli, 'check', tree, '--select', 'deprecated-api', '--format', 'json', '--no-env'];
  if (cliKnows('--threads')) args.push('--threads', String(threads));
  if (cliKnows('--verbose')) args.push('--verbose');
  if (cliKnows('--no-cache')) args.push(...(cache === 'off' ? ['--no-cache'] : ['--cache-dir', cache]));
  const run = measure(args);
  if (run.status !== 0 && run.status !== 1) throw new Error(`pinwise failed (${run.status}): ${run.stderr}`);
  const report = JSON.parse(run.stdout) as { findings: { file: string; startLine: number; startColumn: number; message: string; level: string }[] };
  // `--verbose` says on stderr how many .py files were parsed and how many came from the cache.
  const parsed = /(\d+) parsed/.exec(run.stderr);
  const cached = /(\d+) from the cache/.exec(run.stderr);
  return {
    wallMs: run.wallMs,
    cpuMs: run.cpuMs,
    rssMb: run.rssMb,
    load: run.load,
    findings: report.findings.length,
    parsed: parsed ? Number(parsed[1]) : null,
    cached: cached ? Number(cached[1]) : null,
    hits: report.findings.map((f) => ({ file: f.file, row: f.startLine, column: f.startColumn, code: f.level, message: f.message })),
  };
}

// ---------------------------------------------------------------- trees
function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile() && entry.name.endsWith('.py')) out.push(path);
  }
}

function filesOf(tree: string): FileRef[] {
  const paths: string[] = [];
  walk(tree, paths);
  return paths.sort().map((abs) => ({ abs, rel: relative(tree, abs), bytes: statSync(abs).size }));
}

/** The Debian ML tree, built once from Debian's packages (downloaded and unpacked, never installed). */
function debianTree(dir: string): string {
  if (!existsSync(dir) || readdirSync(dir).length === 0) {
    process.stderr.write(`building ${dir} from Debian packages (scripts/debian-py-corpus.sh)…\n`);
    execFileSync('bash', [join(repoRoot, 'scripts', 'debian-py-corpus.sh'), dir], { stdio: 'inherit' });
  }
  return dir;
}

/** `copies` hard-linked copies of `tree` side by side (the same bytes, distinct files). */
function grownTree(tree: string, copies: number): string {
  if (copies === 1) return tree;
  const dir = `${tree}-x${copies}`;
  if (!existsSync(dir)) {
    mkdirSync(dir);
    for (let i = 1; i <= copies; i++) execFileSync('cp', ['-al', tree, join(dir, `copy${i}`)], { stdio: 'inherit' });
  }
  return dir;
}

/** The standard library (without site-packages) plus the installed numpy and scipy, copied into one tree. */
function stdlibTree(): string {
  const dir = join(tmpdir(), 'pinwise-bench-stdlib');
  if (existsSync(dir)) return dir;
  const [stdlib, purelib] = execFileSync('python3', ['-c', "import sysconfig; p = sysconfig.get_paths(); print(p['stdlib']); print(p['purelib'])"], { encoding: 'utf8' })
    .trim()
    .split('\n') as [string, string];
  mkdirSync(dir);
  cpSync(stdlib, join(dir, 'stdlib'), { recursive: true, filter: (src) => !src.startsWith(purelib) && !src.endsWith('/site-packages') && !src.includes('__pycache__') });
  for (const pkg of ['numpy', 'scipy']) if (existsSync(join(purelib, pkg))) cpSync(join(purelib, pkg), join(dir, pkg), { recursive: true, filter: (src) => !src.includes('__pycache__') });
  return dir;
}

// ---------------------------------------------------------------- main
const median = <T>(runs: T[], key: (r: T) => number): T => [...runs].sort((a, b) => key(a) - key(b))[Math.floor(runs.length / 2)]!;
const repeat = <T>(n: number, run: () => T): T[] => Array.from({ length: n }, run);

/** Every Ruff NPY diagnostic with a Pinwise finding on its row (or, for a from-imported name, at its import). */
function recall(ruff: Hit[], pinwise: Hit[]): { matched: number; of: number } {
  const rows = new Set(pinwise.map((p) => `${p.file}:${p.row}`));
  let matched = 0;
  for (const r of ruff) {
    const name = /`(?:np|numpy)\.([A-Za-z0-9_.]+)`/.exec(r.message)?.[1]?.split('.').pop();
    if (rows.has(`${r.file}:${r.row}`) || (name && pinwise.some((p) => p.file === r.file && p.message.startsWith(`\`${name}\` `)))) matched++;
  }
  return { matched, of: ruff.length };
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string): string => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1]! : fallback;
  };
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const runs = Number(option('--runs', '1'));
  const threads = Number(option('--threads', String(Math.min(availableParallelism(), 8))));
  const trees = option('--trees', 'debian,stdlib').split(',');
  const growth = !args.includes('--no-growth');
  const machine = `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`;

  const rows: Record<string, unknown>[] = [];
  const lines: string[] = [`machine: ${machine}; ${threads} threads for both tools; ${runs} run(s) each, median shown; load = 1-minute load average before each run`];
  const fmt = (m: Measured) => `${(m.wallMs / 1000).toFixed(2)} s wall, ${(m.cpuMs / 1000).toFixed(2)} s CPU, ${m.rssMb.toFixed(0)} MB peak RSS (load ${m.load.toFixed(2)})`;
  const plan: { name: string; dir: string; copies: number }[] = [];
  for (const name of trees) {
    if (name === 'debian') {
      const base = debianTree(option('--debian', join(tmpdir(), 'debian-ml')));
      for (const copies of growth ? [1, 2, 4] : [1]) plan.push({ name: copies === 1 ? 'debian-ml' : `debian-ml x${copies}`, dir: grownTree(base, copies), copies });
    } else if (name === 'stdlib') plan.push({ name: 'stdlib+numpy+scipy', dir: stdlibTree(), copies: 1 });
    else throw new Error(`unknown tree '${name}' (debian, stdlib)`);
  }
  for (const { name, dir, copies } of plan) {
    const files = filesOf(dir);
    const megabytes = files.reduce((s, f) => s + f.bytes, 0) / 1e6;
    const ruff = median(repeat(runs, () => runRuff(files, threads)), (r) => r.wallMs);
    const cold = median(repeat(runs, () => runPinwise(dir, threads, 'off')), (r) => r.wallMs);
    let warm: PinwiseRun | null = null;
    if (cliKnows('--cache-dir') && copies === 1) {
      const cacheDir = join(dir, '.pinwise_cache');
      const second = repeat(runs, () => {
        rmSync(cacheDir, { recursive: true, force: true });
        runPinwise(dir, threads, cacheDir); // fills the cache
        return runPinwise(dir, threads, cacheDir);
      });
      rmSync(cacheDir, { recursive: true, force: true });
      warm = median(second, (r) => r.wallMs);
    }
    const found = copies === 1 ? recall(ruff.hits, cold.hits) : null;
    rows.push({
      tree: name,
      files: files.length,
      megabytes: +megabytes.toFixed(1),
      ruff: { ...ruff, hits: undefined },
      pinwise: { ...cold, hits: undefined },
      pinwiseCached: warm ? { ...warm, hits: undefined } : null,
      wallRatio: +(cold.wallMs / ruff.wallMs).toFixed(2),
      cpuRatio: +(cold.cpuMs / ruff.cpuMs).toFixed(2),
      secondRunShare: warm ? +(warm.wallMs / cold.wallMs).toFixed(3) : null,
      recall: found,
    });
    lines.push(
      `\n${name}: ${files.length} files, ${megabytes.toFixed(1)} MB (${dir})`,
      `  ruff-wasm NPY001+NPY201: ${fmt(ruff)}; ${ruff.diagnostics} diagnostics`,
      `  pinwise deprecated-api:  ${fmt(cold)}; ${cold.findings} findings${cold.parsed !== null ? `, ${cold.parsed} files parsed` : ''}`,
      ...(warm ? [`  pinwise, cache warm:     ${fmt(warm)}; ${warm.findings} findings, ${warm.cached ?? '?'} from the cache (${((100 * warm.wallMs) / cold.wallMs).toFixed(1)}% of the cold run)`] : []),
      `  pinwise / ruff: wall ${(cold.wallMs / ruff.wallMs).toFixed(2)}x, CPU ${(cold.cpuMs / ruff.cpuMs).toFixed(2)}x`,
      ...(found ? [`  Ruff's NPY diagnostics Pinwise also reports: ${found.matched} / ${found.of}`] : []),
    );
  }
  const growthRows = rows.filter((r) => String(r.tree).startsWith('debian-ml'));
  if (growthRows.length > 1) {
    const base = growthRows[0] as { pinwise: Measured; ruff: Measured };
    lines.push(
      `\ngrowth (wall time relative to 1x): ${growthRows
        .map((r) => {
          const row = r as { tree: string; pinwise: Measured; ruff: Measured };
          return `${row.tree.replace('debian-ml', '').trim() || '1x'}: pinwise ${(row.pinwise.wallMs / base.pinwise.wallMs).toFixed(2)}, ruff ${(row.ruff.wallMs / base.ruff.wallMs).toFixed(2)}`;
        })
        .join('; ')}`,
    );
  }
  rmSync(scratch, { recursive: true, force: true });
  process.stdout.write(args.includes('--json') ? `${JSON.stringify({ machine, threads, runs, rows }, null, 2)}\n` : `${lines.join('\n')}\n`);
}

main();
