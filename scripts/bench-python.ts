// Benchmark (not a test): Pinwise's deprecated-api rule against Ruff's NPY001/NPY201 (WASM build) on a
// large real Python tree that exists on every machine with Python: the standard library plus the
// installed numpy and scipy sources. Reports wall time of both, the ratio, and Pinwise's recall on the
// NumPy names both tools cover (every Ruff diagnostic Pinwise also reports at the same place).
//
//   npx tsx scripts/bench-python.ts [--runs 3] [--threads 2] [--json]
//
// Ruff runs in its best setup: a child `node --liftoff-only` process (WASM baseline compiler only, so no
// optimizing-tier compile of the 30 MB module) with N worker threads, one Workspace each. Pinwise runs in
// a child process too, with N worker threads each calling analyze() on a share of the files (no project
// file: unpinned, so the newest known NumPy is assumed, as Ruff's NPY201 assumes NumPy 2). Both timings
// start before the workers are created and include reading the files, loading the WASM and the
// knowledge base; node's own start-up is excluded from both.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { analyze, defaultSettings } from '../server/src/engine';
import { loadGrammars } from '../server/src/host/grammars';
import { loadKnowledgeBase } from '../server/src/host/knowledge-base';

interface FileRef {
  abs: string;
  rel: string;
  bytes: number;
}
interface Hit {
  file: string;
  row: number;
  column: number;
  endRow: number;
  endColumn: number;
  code: string;
  message: string;
}
interface RunResult {
  ms: number;
  hits: Hit[];
  parsed?: number;
}

const repoRoot = join(__dirname, '..');

// ---------------------------------------------------------------- worker side (Pinwise)
async function pinwiseWorker(files: FileRef[]): Promise<{ hits: Hit[]; parsed: number }> {
  const kb = loadKnowledgeBase(join(repoRoot, 'rules'));
  const grammars = await loadGrammars();
  const input = files.map((f) => ({ path: f.rel, text: readFileSync(f.abs, 'utf8') }));
  const texts = new Map(input.map((f) => [f.path, f.text]));
  const result = analyze({ files: input, settings: defaultSettings({ select: ['deprecated-api'] }), kb, grammars });
  const hits = result.findings.map((f) => {
    const text = texts.get(f.file)!;
    const start = position(text, f.span.start);
    const end = position(text, f.span.end);
    return { file: f.file, row: start.row, column: start.column, endRow: end.row, endColumn: end.column, code: f.level, message: f.message };
  });
  return { hits, parsed: 0 };
}

/** 1-based row and UTF-16 column, like Ruff's Utf16 position encoding. */
function position(text: string, offset: number): { row: number; column: number } {
  let row = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart + 1 };
}

// ---------------------------------------------------------------- Ruff child (plain JS, run with --liftoff-only)
const ruffChild = `
const { Worker } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const [listFile, threads] = process.argv.slice(2);
const shares = JSON.parse(readFileSync(listFile, 'utf8'));
const workerCode = \`
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const ruff = require(workerData.ruff);
const ws = new ruff.Workspace({ lint: { select: ['NPY001', 'NPY201'] } }, ruff.PositionEncoding.Utf16);
const hits = [];
for (const f of workerData.files) {
  let diagnostics;
  try { diagnostics = ws.check(readFileSync(f.abs, 'utf8')); } catch { continue; }
  for (const d of diagnostics) if (d.code && d.code.startsWith('NPY')) hits.push({ file: f.rel, row: d.start_location.row, column: d.start_location.column, endRow: d.end_location.row, endColumn: d.end_location.column, code: d.code, message: d.message });
}
parentPort.postMessage(hits);
\`;
const t0 = performance.now();
Promise.all(shares.slice(0, Number(threads)).map((files) => new Promise((res, rej) => {
  const w = new Worker(workerCode, { eval: true, workerData: { files, ruff: ${JSON.stringify(require.resolve('@astral-sh/ruff-wasm-nodejs'))} } });
  w.once('message', res); w.once('error', rej);
}))).then((all) => {
  process.stdout.write(JSON.stringify({ ms: performance.now() - t0, hits: all.flat() }));
});
`;

// ---------------------------------------------------------------- main
function walk(dir: string, out: string[], skip: (path: string) => boolean): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (skip(path)) continue;
    if (entry.isDirectory()) walk(path, out, skip);
    else if (entry.isFile() && entry.name.endsWith('.py')) out.push(path);
  }
}

function corpus(): { files: FileRef[]; roots: string[] } {
  const [stdlib, purelib] = execFileSync('python3', ['-c', "import sysconfig; p = sysconfig.get_paths(); print(p['stdlib']); print(p['purelib'])"], { encoding: 'utf8' })
    .trim()
    .split('\n') as [string, string];
  const paths: string[] = [];
  walk(stdlib, paths, (p) => p === purelib || p.endsWith('/site-packages'));
  for (const pkg of ['numpy', 'scipy']) walk(join(purelib, pkg), paths, () => false);
  const base = join(stdlib, '..');
  const files = paths.sort().map((abs) => ({ abs, rel: relative(base, abs), bytes: statSync(abs).size }));
  return { files, roots: [stdlib, join(purelib, 'numpy'), join(purelib, 'scipy')] };
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

function runRuff(listFile: string, threads: number): RunResult {
  const dir = mkdtempSync(join(tmpdir(), 'pinwise-bench-'));
  const script = join(dir, 'ruff-child.cjs');
  writeFileSync(script, ruffChild);
  const out = spawnSync(process.execPath, ['--liftoff-only', script, listFile, String(threads)], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (out.status !== 0) throw new Error(`ruff child failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as RunResult;
}

function runPinwise(listFile: string, threads: number): RunResult {
  const out = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--pinwise-child', listFile, String(threads)], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    cwd: repoRoot,
  });
  if (out.status !== 0) throw new Error(`pinwise child failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as RunResult;
}

async function pinwiseChild(listFile: string, threads: number): Promise<void> {
  const all = JSON.parse(readFileSync(listFile, 'utf8')) as FileRef[][];
  const t0 = performance.now();
  const results = await Promise.all(
    all.slice(0, threads).map(
      (files) =>
        new Promise<{ hits: Hit[] }>((resolve, reject) => {
          // Workers do not take `--import`: register tsx's require hook in the worker, then load this file.
          const boot = `require('tsx/cjs'); require(${JSON.stringify(__filename)});`;
          const worker = new Worker(boot, { eval: true, workerData: { files } });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  process.stdout.write(JSON.stringify({ ms: performance.now() - t0, hits: results.flatMap((r) => r.hits) }));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** The NumPy name a Ruff message is about: "`np.float_` will be removed…" → `float_`. */
const ruffName = (message: string): string => (/`(?:np|numpy)\.([A-Za-z0-9_.]+)`/.exec(message)?.[1] ?? /`([^`]+)`/.exec(message)?.[1] ?? message);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number): number => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const runs = option('--runs', 3);
  const threads = option('--threads', 2);
  const { files, roots } = corpus();
  const totalBytes = files.reduce((s, f) => s + f.bytes, 0);
  const dir = mkdtempSync(join(tmpdir(), 'pinwise-bench-'));
  const listFile = join(dir, 'shares.json');
  writeFileSync(listFile, JSON.stringify(shares(files, threads)));

  const ruffTimes: number[] = [];
  const pinwiseTimes: number[] = [];
  let ruff: RunResult | undefined;
  let pinwise: RunResult | undefined;
  for (let i = 0; i < runs; i++) {
    ruff = runRuff(listFile, threads);
    ruffTimes.push(ruff.ms);
    pinwise = runPinwise(listFile, threads);
    pinwiseTimes.push(pinwise.ms);
  }

  // Recall on shared rules: each Ruff NPY001/NPY201 diagnostic must have a Pinwise finding that starts
  // on the same row and overlaps its columns.
  const byPlace = new Map<string, Hit[]>();
  for (const h of pinwise!.hits) {
    const key = `${h.file}:${h.row}`;
    byPlace.set(key, [...(byPlace.get(key) ?? []), h]);
  }
  // Pinwise reports a from-imported name once, at its import (`from numpy import row_stack`), where Ruff
  // reports each use: such a Ruff diagnostic counts as found at the import, and is counted separately.
  const missed = new Map<string, number>();
  let found = 0;
  let foundAtImport = 0;
  for (const r of ruff!.hits) {
    const candidates = byPlace.get(`${r.file}:${r.row}`) ?? [];
    const hit = candidates.some((p) => p.column < (r.endRow === r.row ? r.endColumn : Infinity) && (p.endRow > r.row || p.endColumn > r.column));
    const name = ruffName(r.message).split('.').pop()!;
    if (hit) found++;
    else if (pinwise!.hits.some((p) => p.file === r.file && p.message.startsWith(`\`${name}\` `))) foundAtImport++;
    else missed.set(`${r.code} ${ruffName(r.message)}`, (missed.get(`${r.code} ${ruffName(r.message)}`) ?? 0) + 1);
  }
  found += foundAtImport;
  const numpyOnly = pinwise!.hits.filter((p) => /NumPy/.test(p.message));
  const ruffPlaces = new Set(ruff!.hits.map((r) => `${r.file}:${r.row}`));
  const extra = numpyOnly.filter((p) => !ruffPlaces.has(`${p.file}:${p.row}`));

  const report = {
    corpus: { roots, files: files.length, megabytes: +(totalBytes / 1e6).toFixed(1) },
    threads,
    runs,
    ruffMs: ruffTimes.map((t) => Math.round(t)),
    pinwiseMs: pinwiseTimes.map((t) => Math.round(t)),
    ratio: +(median(pinwiseTimes) / median(ruffTimes)).toFixed(2),
    ruffDiagnostics: ruff!.hits.length,
    pinwiseFindings: pinwise!.hits.length,
    recall: { matched: found, atImport: foundAtImport, of: ruff!.hits.length, percent: ruff!.hits.length ? +((100 * found) / ruff!.hits.length).toFixed(1) : 100 },
    missed: Object.fromEntries([...missed].sort((a, b) => b[1] - a[1])),
    pinwiseNumpyNotInRuff: extra.length,
    ruffHitList: ruff!.hits.map((r) => `${r.file}:${r.row}:${r.column}-${r.endRow}:${r.endColumn} ${r.code} ${r.message}`),
    pinwiseNumpyNotInRuffSample: extra.slice(0, 10).map((p) => `${p.file}:${p.row}:${p.column} ${p.message.slice(0, 100)}`),
  };
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const lines = [
    `corpus: ${report.corpus.files} files, ${report.corpus.megabytes} MB (${roots.join(', ')})`,
    `threads: ${threads}, runs: ${runs}`,
    `ruff-wasm NPY001+NPY201 (--liftoff-only): ${report.ruffMs.join(' / ')} ms`,
    `pinwise deprecated-api:                    ${report.pinwiseMs.join(' / ')} ms`,
    `ratio pinwise / ruff (medians): ${report.ratio}`,
    `recall vs Ruff on NumPy names: ${found}/${ruff!.hits.length} (${report.recall.percent}%; ${foundAtImport} of them reported once at their from-import)`,
    ...(missed.size ? [`missed: ${JSON.stringify(report.missed)}`] : []),
    `pinwise NumPy findings on rows Ruff does not flag: ${extra.length}`,
    ...report.pinwiseNumpyNotInRuffSample.map((s) => `  ${s}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (!isMainThread) {
  const { files } = workerData as { files: FileRef[] };
  void pinwiseWorker(files).then((r) => parentPort!.postMessage(r));
} else if (process.argv[2] === '--pinwise-child') {
  void pinwiseChild(process.argv[3]!, Number(process.argv[4]));
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
