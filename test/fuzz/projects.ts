// Mutation fuzzing over whole multi-file projects on disk, through the built CLI: include graphs
// (cycles, diamonds), symlinks in the tree and out of it, a FIFO, a link to /dev/zero, encodings
// (BOM, UTF-16, invalid UTF-8) and huge lines. Shared by the short vitest run and `npm run fuzz -- --projects`.
// Invariants: exit 0 or 1 (never 2 or a signal), no hang (per-case timeout), no write outside the
// project (a sentinel tree's bytes), no text from outside quoted in any output (a planted secret).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { prng } from '../robustness/pathological';
import { nodeFlags } from '../support/node-flags';

export const secret = 'PINWISE-FUZZ-SECRET-7f3a9c';

export interface ProjectCase {
  seed: number;
  root: string;
  project: string;
  fix: boolean;
  describe: string[];
}

const pins = ['torch==2.3.1', 'torchvision==0.17.0', 'numpy==1.24.3', 'onnxruntime-gpu==1.18.0', 'onnxruntime==1.18.0', 'torch==2.3.1+cu118', 'torchaudio==2.3.1', 'numpy>=2', 'tensorflow==2.12.0'];

/** Builds one random project under a fresh root holding a sentinel tree and a secret outside it. */
export function makeProject(seed: number): ProjectCase {
  const next = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const root = mkdtempSync(join(tmpdir(), 'pinwise-pfuzz-'));
  const project = join(root, 'proj');
  mkdirSync(join(project, '.git'), { recursive: true });
  mkdirSync(join(root, 'sentinel'), { recursive: true });
  writeFileSync(join(root, 'sentinel', 'requirements.txt'), `torchvision==0.17.0\n# ${secret}\n`);
  writeFileSync(join(root, 'secret.txt'), `${secret}\ntorch==2.0.0 ${secret}\n`);
  const describe: string[] = [];
  const count = 2 + Math.floor(next() * 6);
  const names = Array.from({ length: count }, (_, i) => (i === 0 ? 'requirements.txt' : pick(['reqs/', '', 'sub/deep/']) + `r${i}.txt`));
  for (const [i, name] of names.entries()) {
    const lines: string[] = [];
    for (let k = 0; k < 1 + Math.floor(next() * 5); k++) lines.push(pick(pins));
    // Includes: any other file (cycles and diamonds come by chance), outside paths, the secret.
    for (let k = 0; k < Math.floor(next() * 3); k++) {
      const target = pick([...names, '../secret.txt', '../../secret.txt', '../sentinel/requirements.txt', '/etc/passwd', 'missing.txt', 'fifo', 'zero']);
      lines.push(`${pick(['-r', '-c'])} ${relativeFrom(name, target)}`);
    }
    let text = lines.join(pick(['\n', '\r\n'])) + '\n';
    const encoding = next();
    let bytes: Buffer;
    if (encoding < 0.1) bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    else if (encoding < 0.2) bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    else if (encoding < 0.25) bytes = Buffer.concat([Buffer.from(text), Buffer.from([0xc0, 0xaf, 0xff, 0x0a])]);
    else if (encoding < 0.3) bytes = Buffer.from(text + 'numpy==1.26.4 ; python_version >= "3.9" and ' + 'x'.repeat(1_000_000) + '\n');
    else bytes = Buffer.from(text);
    if (i === 0 && next() < 0.3) text = '';
    mkdirSync(dirname(join(project, name)), { recursive: true });
    writeFileSync(join(project, name), bytes);
    describe.push(`${name} (${bytes.length} bytes)`);
  }
  // Other file kinds that read includes and pins.
  if (next() < 0.5) writeFileSync(join(project, 'pyproject.toml'), `[project]\nname = "x"\ndependencies = ["${pick(pins)}"]\n[tool.setuptools.dynamic]\ndependencies = { file = ["../secret.txt"] }\n`);
  if (next() < 0.5) writeFileSync(join(project, 'Dockerfile'), `FROM pytorch/pytorch:2.1.2-cuda11.8-cudnn8-runtime\nCOPY ../secret.txt ../../sentinel/requirements.txt /app/\nRUN pip install -r /app/secret.txt -r /app/requirements.txt ${pick(pins)}\n`);
  if (next() < 0.4) writeFileSync(join(project, 'uv.lock'), `version = 1\nrequires-python = ">=3.10"\n[[package]]\nname = "torch"\nversion = "${pick(['2.1.2', '2.3.1+cu121', '../secret.txt'])}"\nsource = { path = "../secret.txt" }\n`);
  if (next() < 0.3) writeFileSync(join(project, 'Pipfile.lock'), `{"_meta": {"requires": {"python_version": "3.10"}}, "default": {"numpy": {"version": "==${pick(['2.1.0', '1.26.4', '../secret.txt'])}"}}}\n`);
  if (next() < 0.5) writeFileSync(join(project, 'setup.sh'), `pip install -r ../secret.txt ${pick(pins)}\nbash -c "pip install -r ../sentinel/requirements.txt"\n`);
  if (next() < 0.4) writeFileSync(join(project, 'environment.yml'), `channels: [pytorch]\ndependencies:\n  - python=3.10\n  - pytorch=2.1.2\n  - pip:\n    - -r ../secret.txt\n    - "${pick(pins)}"\n`);
  if (next() < 0.3) writeFileSync(join(project, 'cog.yaml'), `build:\n  python_version: "3.11"\n  python_requirements: ../sentinel/requirements.txt\n  python_packages: ["${pick(pins)}"]\n  run: ["pip install -r ../secret.txt"]\n`);
  // Links: in the tree, out of it (file and folder), to /dev/zero, a FIFO.
  const link = (target: string, at: string) => {
    try {
      mkdirSync(dirname(join(project, at)), { recursive: true });
      symlinkSync(target, join(project, at));
      describe.push(`${at} -> ${target}`);
    } catch {
      // an existing name: skip
    }
  };
  if (next() < 0.4) link('requirements.txt', 'requirements-link.txt');
  if (next() < 0.4) link(join(root, 'secret.txt'), 'requirements-secret.txt');
  if (next() < 0.4) link(join(root, 'sentinel'), 'outdir');
  if (next() < 0.3) link('/dev/zero', 'zero');
  if (next() < 0.3) link('/', 'rootlink');
  if (next() < 0.3) {
    const fifo = spawnSync('mkfifo', [join(project, 'fifo')]);
    if (fifo.status === 0) describe.push('fifo (a FIFO)');
  }
  return { seed, root, project, fix: next() < 0.4, describe };
}

function relativeFrom(from: string, target: string): string {
  if (target.startsWith('/') || target.startsWith('../')) {
    const up = from.split('/').length - 1;
    return target.startsWith('/') ? target : '../'.repeat(up) + target;
  }
  const up = from.split('/').length - 1;
  return '../'.repeat(up) + target;
}

function snapshot(dir: string): string {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    out.push(entry.isDirectory() ? `${entry.name}/\n${snapshot(full)}` : `${entry.name}:${readFileSync(full).toString('base64')}`);
  }
  return out.join('\n');
}

export interface CaseResult {
  ms: number;
  failure: string | null;
}

/** Runs the CLI on one project and checks every invariant; removes the project afterwards. */
export function runProjectCase(cliPath: string, c: ProjectCase, timeoutMs = 30_000): CaseResult {
  const before = snapshot(join(c.root, 'sentinel')) + readFileSync(join(c.root, 'secret.txt')).toString('base64');
  const start = performance.now();
  const failures: string[] = [];
  try {
    for (const format of c.fix ? ['json', 'fix'] : ['json', 'sarif']) {
      const args = format === 'fix' ? ['check', c.project, '--fix', '--unsafe-fixes'] : ['check', c.project, '--format', format];
      const run = spawnSync(process.execPath, [...nodeFlags, cliPath, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 28, env: { ...process.env, NO_COLOR: '1' } });
      if (run.error || run.signal) failures.push(`${format}: hung or killed (${run.signal ?? String(run.error)})`);
      else if (run.status !== 0 && run.status !== 1) failures.push(`${format}: exit ${run.status}: ${run.stderr.slice(0, 300)}`);
      if (`${run.stdout}${run.stderr}`.includes(secret)) failures.push(`${format}: output quotes the secret planted outside the project`);
    }
    const after = snapshot(join(c.root, 'sentinel')) + readFileSync(join(c.root, 'secret.txt')).toString('base64');
    if (after !== before) failures.push('a file outside the project changed');
  } finally {
    rmSync(c.root, { recursive: true, force: true });
  }
  return { ms: performance.now() - start, failure: failures.length > 0 ? `${failures.join('; ')} [seed ${c.seed}: ${c.describe.join(', ')}]` : null };
}
