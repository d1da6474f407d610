// Every kind of the file-kind registry is live in the editor: a file of each kind gets, without
// being opened, what `pinwise check` reports for it; editing it re-checks its unsaved text; closing
// it goes back to its disk text; a change on disk (workspace/didChangeWatchedFiles) re-checks it.
// The expected findings are the CLI's own, on the same files, before and after the same edit.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../server/src/cli/main';
import { fileKindList, fileKindOf } from '../../server/src/engine/kinds';
import type { FileKind } from '../../server/src/engine/model';
import { TestClient, uriOf } from './client';

interface KindCase {
  /** The kind's file and what it needs beside it (a fixture folder's files, or texts). */
  files: Record<string, string>;
  file: string;
  /** The edit made in the editor and then on disk: it changes the findings. */
  edit: [from: string, to: string];
}

const locks = join(__dirname, '..', 'fixtures', 'locks');
const fixture = (name: string): Record<string, string> => Object.fromEntries(readdirSync(join(locks, name)).map((file) => [file, readFileSync(join(locks, name, file), 'utf8')]));
const pins = 'torch==2.1.2 torchvision==0.17.0';
const toMatching: [string, string] = ['0.17.0', '0.16.2'];
const notebook = JSON.stringify({ cells: [{ cell_type: 'code', metadata: {}, source: [`%pip install ${pins}\n`], outputs: [], execution_count: null }], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1) + '\n';

const cases: Record<FileKind, KindCase> = {
  requirements: { files: { 'requirements.txt': pins.replace(' ', '\n') + '\n' }, file: 'requirements.txt', edit: toMatching },
  pyproject: { files: { 'pyproject.toml': '[project]\nname = "app"\nversion = "0.1.0"\ndependencies = ["torch==2.1.2", "torchvision==0.17.0"]\n' }, file: 'pyproject.toml', edit: toMatching },
  'setup-py': { files: { 'setup.py': 'from setuptools import setup\n\nsetup(name="app", install_requires=["torch==2.1.2", "torchvision==0.17.0"])\n' }, file: 'setup.py', edit: toMatching },
  'setup-cfg': { files: { 'setup.cfg': '[metadata]\nname = app\n\n[options]\ninstall_requires =\n    torch==2.1.2\n    torchvision==0.17.0\n' }, file: 'setup.cfg', edit: toMatching },
  pipfile: { files: { Pipfile: '[packages]\ntorch = "==2.1.2"\ntorchvision = "==0.17.0"\n' }, file: 'Pipfile', edit: toMatching },
  shell: { files: { 'install.sh': `#!/bin/sh\npip install ${pins}\n` }, file: 'install.sh', edit: toMatching },
  dockerfile: { files: { Dockerfile: `FROM python:3.11\nRUN pip install ${pins}\n` }, file: 'Dockerfile', edit: toMatching },
  'python-version': { files: { '.python-version': '3.13\n', 'requirements.txt': 'torch==2.1.2\n' }, file: '.python-version', edit: ['3.13', '3.11'] },
  python: { files: { 'train.py': 'import numpy as np\nx = np.NaN\n', 'requirements.txt': 'numpy==2.0.0\n' }, file: 'train.py', edit: ['np.NaN', 'np.nan'] },
  batch: { files: { 'install.bat': `@echo off\r\npip install ${pins}\r\n` }, file: 'install.bat', edit: toMatching },
  powershell: { files: { 'install.ps1': `pip install ${pins}\n` }, file: 'install.ps1', edit: toMatching },
  'uv-lock': { files: fixture('uv-headline'), file: 'uv.lock', edit: ['version = "0.17.0"', 'version = "0.16.2"'] },
  'poetry-lock': { files: fixture('poetry-groups'), file: 'poetry.lock', edit: ['version = "0.17.0"', 'version = "0.18.1"'] },
  'pdm-lock': { files: fixture('pdm'), file: 'pdm.lock', edit: ['name = "opencv-python-headless"', 'name = "pillow"'] },
  'pipfile-lock': { files: fixture('pipenv'), file: 'Pipfile.lock', edit: ['"version": "==2.1.0"', '"version": "==1.26.4"'] },
  pylock: { files: fixture('pylock'), file: 'pylock.toml', edit: ["version = '0.17.0'", "version = '0.18.1'"] },
  conda: { files: { 'environment.yml': 'name: app\ndependencies:\n  - python=3.11\n  - pip\n  - pip:\n      - torch==2.1.2\n      - torchvision==0.17.0\n' }, file: 'environment.yml', edit: toMatching },
  cog: { files: { 'cog.yaml': 'build:\n  python_version: "3.11"\n  python_packages:\n    - "torch==2.1.2"\n    - "torchvision==0.17.0"\n' }, file: 'cog.yaml', edit: toMatching },
  notebook: { files: { 'train.ipynb': notebook }, file: 'train.ipynb', edit: toMatching },
  'github-workflow': { files: { '.github/workflows/ci.yml': `on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pip install ${pins}\n` }, file: '.github/workflows/ci.yml', edit: toMatching },
  'gitlab-ci': { files: { '.gitlab-ci.yml': `test:\n  image: python:3.11\n  script:\n    - pip install ${pins}\n` }, file: '.gitlab-ci.yml', edit: toMatching },
};

const kinds = Object.keys(cases) as FileKind[];
let root: string;
let client: TestClient;
/** Per kind: the CLI's findings before and after the edit, as `file line:column rule message`. */
const expected = new Map<FileKind, { before: string[]; after: string[] }>();

const edited = (c: KindCase): string => {
  const text = c.files[c.file]!;
  expect(text, c.file).toContain(c.edit[0]);
  return text.split(c.edit[0]).join(c.edit[1]);
};

function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

async function cliFindings(dir: string): Promise<string[]> {
  const out: string[] = [];
  const code = await main(['check', dir, '--format', 'json', '--no-cache'], { out: (text) => out.push(text), err: () => undefined, isTTY: false });
  expect([0, 1]).toContain(code);
  const report = JSON.parse(out.join('')) as { findings: { file: string; startLine: number; startColumn: number; ruleId: string; message: string }[] };
  return report.findings.map((f) => `${f.file} ${f.startLine}:${f.startColumn} ${f.ruleId} ${f.message}`).sort();
}

/** What the client holds for a kind's folder, in the CLI's terms. */
function lspFindings(kind: FileKind): string[] {
  const dir = join(root, kind);
  const out: string[] = [];
  for (const [uri, diagnostics] of client.diagnostics) {
    const path = fileURLToPath(uri);
    if (!path.startsWith(`${dir}/`)) continue;
    for (const d of diagnostics as Diagnostic[]) out.push(`${relative(dir, path)} ${d.range.start.line + 1}:${d.range.start.character + 1} ${String(d.code)} ${d.message}`);
  }
  return out.sort();
}

const agree = (state: 'before' | 'after') => (): boolean => kinds.every((kind) => JSON.stringify(lspFindings(kind)) === JSON.stringify(expected.get(kind)![state]));
const differences = (state: 'before' | 'after') => kinds.filter((kind) => JSON.stringify(lspFindings(kind)) !== JSON.stringify(expected.get(kind)![state])).map((kind) => ({ kind, lsp: lspFindings(kind), cli: expected.get(kind)![state] }));

/** Waits for the state, or fails with what differs once the server is idle and still disagrees. */
async function settle(state: 'before' | 'after'): Promise<void> {
  await Promise.race([
    client.waitUntil(agree(state)),
    new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`not ${state}: ${JSON.stringify(differences(state), null, 1)}`)), 20_000)),
  ]);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pinwise-kinds-'));
  const after = mkdtempSync(join(tmpdir(), 'pinwise-kinds-after-'));
  for (const kind of kinds) {
    const c = cases[kind];
    write(join(root, kind), c.files);
    write(join(after, kind), { ...c.files, [c.file]: edited(c) });
    expected.set(kind, { before: await cliFindings(join(root, kind)), after: await cliFindings(join(after, kind)) });
  }
  rmSync(after, { recursive: true, force: true });
  client = new TestClient();
  await client.initialize(root, kinds.map((kind) => join(root, kind)));
}, 120_000);

afterAll(async () => {
  const code = await client.shutdown();
  rmSync(root, { recursive: true, force: true });
  expect(code).toBe(0);
});

describe('every file kind is live', () => {
  it('has a case for every kind of the registry, each file of its kind, each edit changing what the CLI finds', () => {
    expect([...kinds].sort()).toEqual(fileKindList.map((spec) => spec.kind).sort());
    for (const kind of kinds) {
      expect(fileKindOf(cases[kind].file), kind).toBe(kind);
      const { before, after } = expected.get(kind)!;
      expect(before.length, `${kind}: the CLI finds nothing to compare with`).toBeGreaterThan(0);
      expect(after, `${kind}: the edit changes nothing`).not.toEqual(before);
    }
  });

  it("publishes the CLI's findings for files never opened", async () => {
    await settle('before');
  });

  it('re-checks the unsaved text of an open file of every kind, and its disk text once closed', async () => {
    for (const kind of kinds) client.open(uriOf(join(root, kind, cases[kind].file)), cases[kind].files[cases[kind].file]!, kind);
    for (const kind of kinds) client.change(uriOf(join(root, kind, cases[kind].file)), edited(cases[kind]));
    await settle('after');
    for (const kind of kinds) client.close(uriOf(join(root, kind, cases[kind].file)));
    await settle('before');
  });

  it('re-checks a file of every kind changed on disk', async () => {
    for (const kind of kinds) writeFileSync(join(root, kind, cases[kind].file), edited(cases[kind]));
    client.filesChanged(kinds.map((kind) => ({ uri: uriOf(join(root, kind, cases[kind].file)), type: 2 as const })));
    await settle('after');
  });

  it('finds and checks a new file (created on disk)', async () => {
    const added = join(root, 'requirements', 'docker', 'Dockerfile');
    write(join(root, 'requirements'), { 'docker/Dockerfile': cases.dockerfile.files.Dockerfile! });
    client.filesChanged([{ uri: uriOf(added), type: 1 }]);
    await client.waitForDiagnostics(uriOf(added), (d) => d.some((x) => x.code === 'torch-family-mismatch'));
  });
});

describe('every file kind is live in the openFiles scope', () => {
  it("an open file of every kind gets the CLI's findings for it, and its edits re-check it", async () => {
    const scoped = new TestClient();
    scoped.settings = { diagnosticScope: 'openFiles' };
    await scoped.initialize(root, kinds.map((kind) => join(root, kind)));
    const ofFile = (kind: FileKind, findings: string[]) => findings.filter((f) => f.startsWith(`${cases[kind].file} `));
    const held = (kind: FileKind): string[] => {
      const path = join(root, kind, cases[kind].file);
      return ((scoped.diagnostics.get(uriOf(path)) ?? []) as Diagnostic[]).map((d) => `${cases[kind].file} ${d.range.start.line + 1}:${d.range.start.character + 1} ${String(d.code)} ${d.message}`).sort();
    };
    const agreeOpen = (state: 'before' | 'after') => () => kinds.every((kind) => JSON.stringify(held(kind)) === JSON.stringify(ofFile(kind, expected.get(kind)![state])));
    // The disk holds the edited texts now (the test above): open each with its original text.
    for (const kind of kinds) scoped.open(uriOf(join(root, kind, cases[kind].file)), cases[kind].files[cases[kind].file]!, kind);
    await scoped.waitUntil(agreeOpen('before'));
    for (const kind of kinds) scoped.change(uriOf(join(root, kind, cases[kind].file)), edited(cases[kind]));
    await scoped.waitUntil(agreeOpen('after'));
    expect(await scoped.shutdown()).toBe(0);
  });
});
