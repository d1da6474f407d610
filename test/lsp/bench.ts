// `npm run bench`: speed of the built language server (a report, not a timed test).
// Measures, over a real stdio connection: activation to first diagnostics, change to
// re-published diagnostics on a 2,000-line requirements.txt (p50/p95, end to end and the
// server's own analysis time), the workspace audit of the example project and of a large
// generated workspace, the server's peak RSS, and the .vsix size when one was built.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestClient, uriOf } from './client';

const repo = join(__dirname, '..', '..');
const families = ['numpy', 'scipy', 'pandas', 'requests', 'pillow', 'tqdm', 'rich', 'pydantic', 'httpx', 'attrs'];

function bigRequirements(lines: number): string {
  const out = ['--extra-index-url https://download.pytorch.org/whl/cu121', 'torch==2.1.2', 'torchvision==0.16.2'];
  for (let i = 0; out.length < lines; i++) {
    const name = `${families[i % families.length]}-${Math.floor(i / families.length)}`;
    out.push(i % 7 === 0 ? `${name}>=1.${i % 30},<3 ; python_version >= "3.9"  # note ${i}` : `${name}==1.${i % 40}.${i % 9}`);
  }
  return out.join('\n') + '\n';
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function peakRssMb(pid: number | undefined): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** The server's own times per analysis, from its log: total (reading, parsing, rules) and rules alone. */
const serverTimes = (client: TestClient, from: number): { total: number[]; rules: number[] } => {
  const total: number[] = [];
  const rules: number[] = [];
  for (const line of client.logs.slice(from)) {
    const match = /finding\(s\) in ([\d.]+) ms \(reading and parsing [\d.]+ ms, rules ([\d.]+) ms\)/.exec(line);
    if (match) {
      total.push(Number(match[1]));
      rules.push(Number(match[2]));
    }
  }
  return { total, rules };
};

/** `count` edits of an open document, each `next` of the text before: milliseconds from change to re-published diagnostics. */
async function timeEdits(client: TestClient, uri: string, text: string, count: number, next: (text: string, i: number) => string): Promise<number[]> {
  const times: number[] = [];
  let current = text;
  for (let i = 0; i < count; i++) {
    current = next(current, i);
    const before = client.publishCount.get(uri) ?? 0;
    const t0 = performance.now();
    client.change(uri, current);
    await client.waitForDiagnostics(uri, () => (client.publishCount.get(uri) ?? 0) > before, false);
    times.push(performance.now() - t0);
  }
  return times;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'pinwise-bench-'));
  const rows: [string, string][] = [];
  try {
    // 1. activation → first diagnostics, then edits on a 2,000-line file.
    const text = bigRequirements(2000);
    writeFileSync(join(work, 'requirements.txt'), text);
    const started = performance.now();
    const client = new TestClient();
    await client.initialize(work);
    const uri = uriOf(join(work, 'requirements.txt'));
    client.open(uri, text);
    await client.waitForDiagnostics(uri);
    rows.push(['activation → first diagnostics (2,000 lines)', `${(performance.now() - started).toFixed(0)} ms`]);

    const logFrom = client.logs.length;
    const endToEnd = await timeEdits(client, uri, text, 100, (current, i) => current.replace(/^torch==2\.1\.\d/m, `torch==2.1.${i % 3}`) + (i % 2 === 0 ? '# edit\n' : ''));
    const analysis = serverTimes(client, logFrom);
    rows.push(['edit → diagnostics, server time p50 / p95 (read, parse, rules)', `${percentile(analysis.total, 50).toFixed(1)} / ${percentile(analysis.total, 95).toFixed(1)} ms`]);
    rows.push(['  of which rules p50 / p95', `${percentile(analysis.rules, 50).toFixed(1)} / ${percentile(analysis.rules, 95).toFixed(1)} ms`]);
    rows.push(['edit → diagnostics, end to end incl. 150 ms debounce p50 / p95', `${percentile(endToEnd, 50).toFixed(0)} / ${percentile(endToEnd, 95).toFixed(0)} ms`]);
    rows.push(['server peak RSS (2,000-line file)', `${peakRssMb(client.process.pid)?.toFixed(0) ?? '?'} MB`]);
    await client.shutdown();

    // 2. audit of the example project.
    const example = join(repo, 'examples', 'broken-ml-project');
    if (existsSync(example)) {
      const audit = new TestClient();
      await audit.initialize(example);
      const t0 = performance.now();
      const report = await audit.connection.sendRequest<{ counts: Record<string, number> }>('workspace/executeCommand', { command: 'pinwise.audit', arguments: [] });
      rows.push(['audit: examples/broken-ml-project', `${(performance.now() - t0).toFixed(0)} ms (${report.counts.error} errors, ${report.counts.warning} warnings)`]);
      await audit.shutdown();
    }

    // 3. audit of a large generated workspace: 200 folders, each with requirements, an include and .py files.
    const large = join(work, 'large');
    for (let i = 0; i < 200; i++) {
      const dir = join(large, `service-${i}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'requirements.txt'), `-r base.txt\ntorch==2.1.2\ntorchvision==0.1${i % 8}.0\n`);
      writeFileSync(join(dir, 'base.txt'), bigRequirements(50));
      for (let j = 0; j < 5; j++) writeFileSync(join(dir, `mod${j}.py`), `import numpy as np\nx = np.zeros(${j})\n`);
    }
    const big = new TestClient();
    await big.initialize(large);
    const t0 = performance.now();
    const report = await big.connection.sendRequest<{ counts: Record<string, number> }>('workspace/executeCommand', { command: 'pinwise.audit', arguments: [] });
    rows.push(['audit: generated workspace (200 folders, 1,400 files)', `${(performance.now() - t0).toFixed(0)} ms (${report.counts.error} errors)`]);
    rows.push(['server peak RSS (large audit)', `${peakRssMb(big.process.pid)?.toFixed(0) ?? '?'} MB`]);
    // Typing in one file of the large workspace (workspace scope): every other file's parse is reused.
    const serviceUri = uriOf(join(large, 'service-0', 'requirements.txt'));
    const serviceText = readFileSync(join(large, 'service-0', 'requirements.txt'), 'utf8');
    big.open(serviceUri, serviceText);
    await big.waitForDiagnostics(serviceUri);
    const typingFrom = big.logs.length;
    const typing = await timeEdits(big, serviceUri, serviceText, 20, (current, i) => `${current}# edit ${i}\n`);
    const typingServer = serverTimes(big, typingFrom);
    rows.push(['edit → diagnostics in the large workspace, server time p50 / p95', `${percentile(typingServer.total, 50).toFixed(1)} / ${percentile(typingServer.total, 95).toFixed(1)} ms`]);
    rows.push(['  end to end incl. 150 ms debounce p50 / p95', `${percentile(typing, 50).toFixed(0)} / ${percentile(typing, 95).toFixed(0)} ms`]);
    await big.shutdown();

    const vsix = join(repo, 'pinwise.vsix');
    rows.push(['.vsix size', existsSync(vsix) ? `${(statSync(vsix).size / 1048576).toFixed(2)} MB` : 'not built (npm run package)']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`Pinwise language server benchmark (targets: < 20 ms p95 per edit, < 300 ms activation, < 150 MB, < 5 MB)\n`);
  for (const [key, value] of rows) process.stdout.write(`${key.padEnd(width)}  ${value}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
