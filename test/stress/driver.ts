// Drives the real language server (dist/server.js --stdio) with a seeded storm of
// opens, closes, incremental edits, hovers, code actions, cancelled requests and
// workspace audits over many files, checking as it goes that:
// - the server stays up (no exit, nothing on stderr, no uncaught error logged);
// - every publishDiagnostics for an open document carries a version the client sent,
//   never goes back to an older version, and has every range inside that version's text;
// - after the storm, each open document gets diagnostics for its latest version;
// - bursts of edits are coalesced (analyses run << edits sent), and requests cancelled
//   by the client are answered (cancelled or not) rather than left hanging.
// Used by test/stress/lsp-stress.test.ts (short, seeded) and `npm run stress` (long).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { LineIndex } from '../../server/src/engine';
import { TestClient, uriOf } from '../lsp/client';
import { prng } from '../robustness/pathological';

export interface StressOptions {
  seed: number;
  operations: number;
  files: number;
  /** Progress lines on stderr (the long run). */
  verbose?: boolean;
  /** How long the server may take, after the storm, to publish every open document's latest version. */
  settleMs?: number;
}

export interface StressReport {
  operations: number;
  edits: number;
  opens: number;
  closes: number;
  requests: number;
  cancelledSent: number;
  cancelledAnswered: number;
  cancelledByServer: number;
  audits: number;
  publications: number;
  analyses: number;
  /** The server's resident memory: highest, after initialize, and at the end. */
  peakRssMb: number | null;
  startRssMb: number | null;
  endRssMb: number | null;
  violations: string[];
  seconds: number;
}

const tokens = [
  'torch', 'torchvision', 'torchaudio', 'numpy', 'onnxruntime', 'onnxruntime-gpu', '==', '>=', '<', '~=', '!=', ',', ';', '[', ']', '(', ')',
  '2.3.1', '0.18.1', '2.3.1', '+cu121', '+cu118', '+rocm6.0', '1.26.4', '2.0.1', '-r base.txt\n', '-c constraints.txt\n',
  '--extra-index-url https://download.pytorch.org/whl/cu121\n', '--index-url https://download.pytorch.org/whl/cpu\n',
  ' python_version >= "3.9"', ' and ', ' or ', '#', ' # pinwise: ignore', '\n', '\r\n', ' \\\n', '"', "'", 'é', '☕', '\t', ' ',
  'import numpy as np\n', 'np.float', 'np.product(x)\n', 'pip install ', '[project]\n', 'dependencies = [\n', '"numpy<2",\n', ']\n',
];

function statusMb(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number | null {
  if (pid === undefined) return null;
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 102.4) / 10 : null;
  } catch {
    return null; // not Linux
  }
}

/** Highest resident memory of a process so far, in MB (Linux). */
export const peakRssMb = (pid: number | undefined): number | null => statusMb(pid, 'VmHWM');
/** Resident memory of a process now, in MB (Linux). */
export const rssMb = (pid: number | undefined): number | null => statusMb(pid, 'VmRSS');

/** A workspace of `count` dependency files that include each other, plus scripts and .py files. */
function makeWorkspace(count: number): { root: string; paths: string[] } {
  const root = mkdtempSync(join(tmpdir(), 'pinwise-stress-'));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('base.txt', 'numpy==1.26.4\n');
  write('constraints.txt', 'torch==2.3.1\n');
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 6;
    const path =
      kind === 0 ? `env${i}/pyproject.toml` : kind === 1 ? `scripts/setup${i}.sh` : kind === 2 ? `src/train${i}.py` : `reqs/requirements-${i}.txt`;
    const text =
      kind === 0
        ? '[project]\nname = "x"\ndependencies = ["torch==2.3.1", "torchvision==0.17.0", "numpy<2"]\n'
        : kind === 1
          ? 'pip install torch==2.3.1+cu121 --index-url https://download.pytorch.org/whl/cu118\n'
          : kind === 2
            ? 'import numpy as np\nx = np.float(3)\n'
            : `-r ../base.txt\n-c ../constraints.txt\ntorch==2.${i % 4}.0\ntorchvision==0.${15 + (i % 4)}.0\nonnxruntime\nonnxruntime-gpu\n`;
    write(path, text);
    paths.push(path);
  }
  return { root, paths };
}

const languageOf = (path: string): string =>
  path.endsWith('.py') ? 'python' : path.endsWith('.sh') ? 'shellscript' : path.endsWith('.toml') ? 'toml' : 'pip-requirements';

export async function runStress(options: StressOptions): Promise<StressReport> {
  const started = Date.now();
  const random = prng(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const { root, paths } = makeWorkspace(options.files);
  const client = new TestClient();
  const violations: string[] = [];
  const violation = (message: string) => {
    if (violations.length < 20) violations.push(message);
  };

  // Client-side truth: each open document's text at every version it was sent.
  const history = new Map<string, Map<number, string>>();
  const latest = new Map<string, number>();
  const lastPublished = new Map<string, number>();
  /** The highest version ever sent per document (across close and reopen). */
  const sent = new Map<string, number>();
  const waiters: { uri: string; version: number; resolve: () => void }[] = [];
  let publications = 0;
  client.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    publications++;
    const { uri, version } = params;
    const texts = history.get(uri);
    // Unversioned: the server saw the file closed (a close may cross a reopen on the wire).
    if (version === undefined || version === null || !texts) return;
    const text = texts.get(version);
    if (text === undefined) {
      violation(`publication for ${uri} at version ${version}, which the client never sent`);
      return;
    }
    const previous = lastPublished.get(uri) ?? 0;
    if (version < previous) violation(`${uri}: version ${version} published after version ${previous}`);
    lastPublished.set(uri, Math.max(previous, version));
    checkRanges(uri, version, text, params.diagnostics, violation);
    for (const w of waiters.filter((w) => w.uri === uri && version >= w.version)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });

  const report: StressReport = {
    operations: options.operations,
    edits: 0,
    opens: 0,
    closes: 0,
    requests: 0,
    cancelledSent: 0,
    cancelledAnswered: 0,
    cancelledByServer: 0,
    audits: 0,
    publications: 0,
    analyses: 0,
    peakRssMb: null,
    startRssMb: null,
    endRssMb: null,
    violations,
    seconds: 0,
  };
  const pending: Promise<unknown>[] = [];
  const request = (method: string, params: unknown, cancel: boolean) => {
    report.requests++;
    const source = new CancellationTokenSource();
    const answer = client.connection.sendRequest(method, params, source.token).then(
      () => {
        if (cancel) report.cancelledAnswered++;
      },
      (error: { code?: number; message?: string }) => {
        if (cancel && error.code === -32800) {
          report.cancelledAnswered++;
          report.cancelledByServer++;
        } else if (error.code !== -32800) violation(`${method} failed: ${error.message}`);
      },
    );
    if (cancel) {
      report.cancelledSent++;
      source.cancel();
    }
    pending.push(answer);
  };

  try {
    await client.initialize(root);
    report.startRssMb = rssMb(client.process.pid);
    const uris = paths.map((p) => uriOf(join(root, p)));
    const textOf = new Map(paths.map((p, i) => [uris[i]!, readFileSync(join(root, p), 'utf8')]));
    for (let op = 0; op < options.operations; op++) {
      if (client.process.exitCode !== null) {
        violation(`server exited with ${client.process.exitCode} at operation ${op}`);
        break;
      }
      const uri = pick(uris);
      const roll = random();
      const isOpen = latest.has(uri);
      if (!isOpen && roll < 0.9) {
        // Versions keep rising across close and reopen, so a publication still in flight
        // from the previous session can be told apart (and must still be in order).
        const text = textOf.get(uri)!;
        const version = (sent.get(uri) ?? 0) + 1;
        sent.set(uri, version);
        latest.set(uri, version);
        if (!history.has(uri)) history.set(uri, new Map());
        history.get(uri)!.set(version, text);
        report.opens++;
        void client.connection.sendNotification('textDocument/didOpen', {
          textDocument: { uri, languageId: languageOf(uri), version, text },
        });
      } else if (isOpen && roll < 0.04) {
        latest.delete(uri);
        report.closes++;
        void client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      } else if (isOpen && roll < 0.8) {
        // An incremental edit at a random place: insert tokens, delete, or replace.
        const texts = history.get(uri)!;
        const version = latest.get(uri)!;
        const before = texts.get(version)!;
        let start = Math.floor(random() * (before.length + 1));
        let end = Math.min(before.length, start + (random() < 0.5 ? 0 : Math.floor(random() * 12)));
        // Never split a surrogate pair: LSP positions count UTF-16 units, editors never do this.
        if (start > 0 && /[\uDC00-\uDFFF]/.test(before[start] ?? '')) start--;
        if (end < before.length && /[\uDC00-\uDFFF]/.test(before[end] ?? '')) end++;
        // Nor a CRLF: a position between \r and \n does not exist in LSP (the server's document clamps it).
        if (start > 0 && before[start - 1] === '\r' && before[start] === '\n') start--;
        if (end > 0 && end < before.length && before[end - 1] === '\r' && before[end] === '\n') end++;
        const insert = random() < 0.8 ? Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(tokens)).join('') : '';
        const after = before.slice(0, start) + insert + before.slice(end);
        const index = new LineIndex(before);
        const next = version + 1;
        texts.set(next, after);
        sent.set(uri, next);
        latest.set(uri, next);
        report.edits++;
        void client.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri, version: next },
          contentChanges: [{ range: { start: index.positionAt(start), end: index.positionAt(end) }, text: insert }],
        });
      } else if (isOpen && roll < 0.95) {
        const position = { line: Math.floor(random() * 8), character: Math.floor(random() * 20) };
        const cancel = random() < 0.5;
        if (random() < 0.5) request('textDocument/hover', { textDocument: { uri }, position }, cancel);
        else request('textDocument/codeAction', { textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics: [] } }, cancel);
      } else if (roll > 0.995) {
        report.audits++;
        request('workspace/executeCommand', { command: 'pinwise.audit', arguments: [] }, random() < 0.5);
      }
      // Let the server breathe now and then, as a typist does, so debounced analyses run mid-storm.
      if (op % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 200));
      if (options.verbose && op % 1000 === 999) process.stderr.write(`stress: ${op + 1}/${options.operations} operations\n`);
    }

    // Quiesce: every open document must be published at its latest version (convergence),
    // within a bound: a document left on an older version is a violation, not a hang.
    await Promise.all(pending);
    const converged = Promise.all(
      [...latest].map(
        ([uri, version]) =>
          new Promise<void>((resolve) => {
            if ((lastPublished.get(uri) ?? 0) >= version) resolve();
            else waiters.push({ uri, version, resolve });
          }),
      ),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([converged, new Promise<void>((resolve) => (timer = setTimeout(resolve, options.settleMs ?? 30_000)))]);
    clearTimeout(timer);
    for (const [uri, version] of latest) {
      const last = lastPublished.get(uri);
      if ((last ?? 0) < version) violation(`${uri}: last published for version ${last ?? 'none'}, latest is ${version} (did not converge)`);
    }
    report.peakRssMb = peakRssMb(client.process.pid);
    report.endRssMb = rssMb(client.process.pid);
    report.analyses = client.logs.filter((l) => /Analysed \d+ file/.test(l)).length;
    for (const line of client.logs) if (/Uncaught|Unhandled rejection|Analysis failed|failed \(its findings/.test(line)) violation(`server log: ${line.slice(0, 300)}`);
    const code = await client.shutdown();
    if (code !== 0) violation(`server exited with ${code}`);
    if (client.stderr.join('') !== '') violation(`server stderr: ${client.stderr.join('').slice(0, 300)}`);
  } finally {
    if (client.process.exitCode === null) client.process.kill();
    rmSync(root, { recursive: true, force: true });
  }
  report.publications = publications;
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

function checkRanges(uri: string, version: number, text: string, diagnostics: Diagnostic[], violation: (m: string) => void): void {
  const index = new LineIndex(text);
  const lines = text.split(/\r\n|\r|\n/);
  for (const d of diagnostics) {
    for (const at of [d.range.start, d.range.end]) {
      const line = lines[at.line];
      if (line === undefined || at.character > line.length) {
        violation(`${uri}@${version}: range ${JSON.stringify(d.range)} (${String(d.code)}) outside the text`);
        return;
      }
    }
    if (index.offsetAt(d.range.start) > index.offsetAt(d.range.end)) violation(`${uri}@${version}: inverted range ${JSON.stringify(d.range)}`);
  }
}

export interface HugeLineOptions {
  /** Edits typed into the line, one character each. */
  edits: number;
  /** Length of the requirement line, in characters. */
  lineLength: number;
  /** Resident memory is sampled every this many edits. */
  sampleEvery?: number;
  verbose?: boolean;
}

export interface HugeLineReport {
  edits: number;
  lineLength: number;
  /** Analyses the server ran (each edit is analysed: a hover asks for the current version). */
  analyses: number;
  startRssMb: number | null;
  endRssMb: number | null;
  peakRssMb: number | null;
  /** [edits so far, resident MB] every `sampleEvery` edits. */
  samples: [number, number | null][];
  violations: string[];
  seconds: number;
}

/**
 * Types into one huge requirement line of an open document, one character per edit, and has
 * every version analysed (a hover answers from the analysis of the current version, at once,
 * instead of after the debounce), sampling the server's resident memory: it must stay flat.
 */
export async function typeIntoHugeLine(options: HugeLineOptions): Promise<HugeLineReport> {
  const started = Date.now();
  const root = mkdtempSync(join(tmpdir(), 'pinwise-hugeline-'));
  const client = new TestClient();
  const violations: string[] = [];
  const samples: [number, number | null][] = [];
  const report: HugeLineReport = { edits: 0, lineLength: options.lineLength, analyses: 0, startRssMb: null, endRssMb: null, peakRssMb: null, samples, violations, seconds: 0 };
  try {
    await client.initialize(root);
    const uri = uriOf(join(root, 'requirements.txt'));
    // A long version: every edit (one more digit) keeps the line a requirement.
    const head = 'torch==2.3.1\nnumpy==1.26.';
    client.open(uri, `${head}${'4'.repeat(options.lineLength)}\n`);
    await client.waitForDiagnostics(uri);
    const position = { line: 1, character: 3 };
    await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position });
    report.startRssMb = rssMb(client.process.pid);
    samples.push([0, report.startRssMb]);
    for (let i = 1; i <= options.edits; i++) {
      const at = head.length - head.lastIndexOf('\n') - 1 + ((i * 7919) % options.lineLength);
      void client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: i + 1 },
        contentChanges: [{ range: { start: { line: 1, character: at }, end: { line: 1, character: at } }, text: '4' }],
      });
      await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position });
      report.edits = i;
      if (client.process.exitCode !== null) {
        violations.push(`server exited with ${client.process.exitCode} after ${i} edits`);
        break;
      }
      if (i % (options.sampleEvery ?? 100) === 0) {
        samples.push([i, rssMb(client.process.pid)]);
        if (options.verbose) process.stderr.write(`huge line: ${i}/${options.edits} edits, RSS ${samples.at(-1)![1]} MB\n`);
      }
    }
    report.endRssMb = rssMb(client.process.pid);
    report.peakRssMb = peakRssMb(client.process.pid);
    report.analyses = client.logs.filter((l) => /Analysed \d+ file/.test(l)).length;
    for (const line of client.logs) if (/Uncaught|Unhandled rejection|Analysis failed|failed \(its findings/.test(line)) violations.push(`server log: ${line.slice(0, 300)}`);
    const code = await client.shutdown();
    if (code !== 0) violations.push(`server exited with ${code}`);
  } finally {
    if (client.process.exitCode === null) client.process.kill();
    rmSync(root, { recursive: true, force: true });
  }
  report.seconds = (Date.now() - started) / 1000;
  return report;
}
