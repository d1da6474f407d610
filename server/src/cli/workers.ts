// `pinwise check` over many .py files: each .py file's findings depend only on its own text and
// on the rest of the project (the pins that decide which versions are in effect), so the .py
// files are checked in chunks, each chunk beside the rest of the project, on worker threads
// (node:worker_threads) and on the main thread, and the findings of every chunk are kept only for
// the chunk's own files. The rest of the project is checked once, on the main thread. Merged and
// sorted the way analyze() sorts, the findings are the same, in the same order, as one analyze()
// of everything. A persistent cache (host/cache.ts) answers the .py files whose text and context
// are unchanged since the last run.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { analyze, compareFindings, type AnalysisInput, type AnalysisResult } from '../engine/analyze';
import type { Finding } from '../engine/findings';
import type { Grammars } from '../engine/grammars';
import type { InstalledEnvironmentInput } from '../engine/installed';
import type { KnowledgeBase } from '../engine/kb/types';
import type { SourceFile } from '../engine/model';
import { fileKindOf } from '../engine/kinds';
import { mayHoldLauncher } from '../engine/parsers/python-launchers';
import type { ParseCache } from '../engine/project';
import type { Settings } from '../engine/settings';
import type { FindingsCache } from '../host/cache';

/**
 * The files checked one by one: .py (and .pyi) files, whose findings concern only themselves. A
 * launcher's (a quoted `pip install …` in its text) pins take part in the project's environments,
 * so it is checked with the rest of the project, and its text is part of every cached file's context.
 */
export function isPerFile(file: SourceFile): boolean {
  // Asked several times a run (the cache, the split, the stats): each answer reads the whole text.
  let answer = perFileAnswers.get(file);
  if (answer === undefined) perFileAnswers.set(file, (answer = fileKindOf(file.path) === 'python' && !mayHoldLauncher(file.text)));
  return answer;
}

const perFileAnswers = new WeakMap<SourceFile, boolean>();

/** Most threads used, however many cores: past this the main thread's merging and the memory of each worker cost more than they give. */
export const maxThreads = 8;

/** Text a worker must have to check before one is started (a worker's start-up, its own grammars and knowledge base, is about 0.2 s). */
const bytesPerWorker = 1024 * 1024;

/**
 * Text per chunk handed out: small enough to balance the threads (the largest files go first, so
 * the last chunks are the quick ones), large enough that the rest of the project, checked again
 * beside every chunk, costs little (about 4 ms a chunk beside debian-ml's 21 launcher files).
 */
const maxChunkBytes = 1024 * 1024;

/** What one thread needs besides a chunk: the rest of the project and how to check it. */
export interface ChunkContext {
  rest: SourceFile[];
  settings: Settings;
  installed: InstalledEnvironmentInput[];
}

export interface ChunkResult {
  findings: Finding[];
  internalErrors: AnalysisResult['internalErrors'];
  /** How many of the chunk's files were parsed (the prefilter leaves the others unparsed). */
  parsed: number;
  /** Files whose parse stopped at a budget (a time budget depends on the machine's load): not cached. */
  unsettled: string[];
}

/**
 * Checks `chunk` (per-file files) beside the rest of the project: its files' findings only.
 * `parseCache` keeps the rest's parses between chunks; the chunk's own are dropped after.
 */
export function checkChunk(context: ChunkContext, chunk: SourceFile[], kb: KnowledgeBase, grammars: Grammars, parseCache: ParseCache): ChunkResult {
  const result = analyze({ files: [...context.rest, ...chunk], settings: context.settings, kb, grammars, installed: context.installed, parseCache });
  const own = new Set(chunk.map((f) => f.path));
  let parsed = 0;
  const unsettled: string[] = [];
  for (const file of chunk) {
    const facts = result.project.parsed.get(file.path)?.python;
    if (facts?.wasParsed?.()) {
      parsed++;
      if (facts.notChecked() !== null) unsettled.push(file.path);
    }
    parseCache.delete(file.path);
  }
  return { findings: result.findings.filter((f) => own.has(f.file)), internalErrors: result.internalErrors, parsed, unsettled };
}

export interface CheckStats {
  /** .py files in the project. */
  perFile: number;
  /** Of them, answered by the cache. */
  cached: number;
  /** Of the others, parsed with tree-sitter (the rest were settled by the prefilter). */
  parsed: number;
  /** Threads that checked .py files (the main thread included). */
  threads: number;
}

export interface ParallelCheck {
  input: AnalysisInput & { grammars: Grammars; installed: InstalledEnvironmentInput[] };
  /** Threads wanted: 0 decides from the cores and the amount of work. */
  threads: number;
  cache: FindingsCache | null;
}

/** The worker script: built beside the CLI bundle (dist/check-worker.js); from sources there is none, and everything runs on the main thread. */
function workerScript(): string | null {
  const path = join(__dirname, 'check-worker.js');
  return existsSync(path) ? path : null;
}

/** Threads to use for `bytes` of .py text: as asked, else one per core (capped) while each has enough to do. */
export function threadCount(asked: number, bytes: number): number {
  if (asked > 0) return Math.min(asked, maxThreads);
  return Math.max(1, Math.min(availableParallelism(), maxThreads, Math.floor(bytes / bytesPerWorker)));
}

/** Same findings as analyze(input), .py files checked in parallel and through the cache; `project` describes the rest. */
export async function checkProject({ input, threads, cache }: ParallelCheck): Promise<{ result: AnalysisResult; stats: CheckStats }> {
  const rest = input.files.filter((f) => !isPerFile(f));
  const perFile = input.files.filter((f) => isPerFile(f));
  const context: ChunkContext = { rest, settings: input.settings, installed: input.installed };
  const byFile = new Map<string, Finding[]>();
  const toCheck: SourceFile[] = [];
  for (const file of perFile) {
    const hit = cache?.lookup(file.path, file.text);
    if (hit) byFile.set(file.path, hit);
    else toCheck.push(file);
  }
  const internalErrors: AnalysisResult['internalErrors'] = [];
  const stats: CheckStats = { perFile: perFile.length, cached: perFile.length - toCheck.length, parsed: 0, threads: 1 };

  const script = workerScript();
  const bytes = toCheck.reduce((sum, f) => sum + f.text.length, 0);
  const count = script ? threadCount(threads, bytes) : 1;
  // Largest first, so the last chunks are small and the threads finish together; a few chunks per thread at least.
  const queue = chunks([...toCheck].sort((a, b) => b.text.length - a.text.length || (a.path < b.path ? -1 : 1)), Math.min(maxChunkBytes, bytes / (4 * count)));
  const take = (result: ChunkResult, chunk: SourceFile[]): void => {
    for (const file of chunk) byFile.set(file.path, []);
    for (const finding of result.findings) byFile.get(finding.file)?.push(finding);
    for (const error of result.internalErrors) if (!internalErrors.some((e) => e.ruleId === error.ruleId && e.message === error.message)) internalErrors.push(error);
    stats.parsed += result.parsed;
    // A rule that failed, or a parse stopped by its time budget, is not an answer to keep.
    if (cache && result.internalErrors.length === 0) for (const file of chunk) if (!result.unsettled.includes(file.path)) cache.store(file.path, file.text, byFile.get(file.path)!);
  };

  const wanted = Math.min(count, queue.length);
  stats.threads = Math.max(1, wanted);
  const workers = Array.from({ length: wanted - 1 }, () => startWorker(script!, context, queue, take));

  // The main thread checks the rest of the project, then takes chunks like the workers, yielding
  // between chunks so that a worker waiting for its next chunk gets one.
  const restResult = analyze({ ...input, files: rest });
  const parseCache: ParseCache = new Map();
  for (let chunk = queue.shift(); chunk; chunk = queue.shift()) {
    take(checkChunk(context, chunk, input.kb, input.grammars, parseCache), chunk);
    await new Promise((resolve) => setImmediate(resolve));
  }
  // A worker that failed hands its chunk back: whatever is left is checked here.
  for (const left of await Promise.all(workers)) {
    for (const chunk of left) take(checkChunk(context, chunk, input.kb, input.grammars, parseCache), chunk);
  }
  cache?.save();

  const findings = [...restResult.findings];
  for (const file of perFile) for (const finding of byFile.get(file.path) ?? []) findings.push(finding);
  findings.sort(compareFindings);
  for (const error of restResult.internalErrors) if (!internalErrors.some((e) => e.ruleId === error.ruleId && e.message === error.message)) internalErrors.push(error);
  return { result: { project: restResult.project, findings, internalErrors }, stats };
}

function chunks(files: SourceFile[], chunkBytes: number): SourceFile[][] {
  const out: SourceFile[][] = [];
  let current: SourceFile[] = [];
  let size = 0;
  for (const file of files) {
    current.push(file);
    size += file.text.length;
    if (size >= chunkBytes) {
      out.push(current);
      current = [];
      size = 0;
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Chunks a worker holds at once: the one it checks and the next, so it never waits for the main thread (busy with a chunk of its own) to hand one out. */
const chunksInFlight = 2;

/**
 * Runs a worker until the queue is empty. Resolves with the chunks it could not finish (none,
 * unless it failed: then the main thread checks them).
 */
function startWorker(script: string, context: ChunkContext, queue: SourceFile[][], take: (result: ChunkResult, chunk: SourceFile[]) => void): Promise<SourceFile[][]> {
  return new Promise((resolve) => {
    const worker = new Worker(script, { workerData: context });
    /** Sent and not answered yet, oldest first (the worker answers in order). */
    const inFlight: SourceFile[][] = [];
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      resolve(inFlight.splice(0));
    };
    const send = (): void => {
      while (inFlight.length < chunksInFlight) {
        const chunk = queue.shift();
        if (!chunk) break;
        inFlight.push(chunk);
        worker.postMessage(chunk);
      }
      if (inFlight.length === 0) finish();
    };
    worker.on('message', (message: ChunkResult | 'ready') => {
      if (message !== 'ready') {
        const chunk = inFlight.shift();
        if (chunk) take(message, chunk);
      }
      send();
    });
    worker.on('error', finish);
    worker.on('exit', finish);
  });
}
