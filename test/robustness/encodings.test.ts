// Encodings through the CLI and the language server, on real files:
// - a UTF-8 BOM is read in every file kind (requirements, pyproject, shell, Dockerfile, .py):
//   the same findings as without it, and `--fix` keeps it and changes only the fixed span;
// - UTF-16 (LE and BE, by their BOM) is decoded code unit by code unit, so a lone surrogate
//   survives a fix byte for byte; a file with an odd trailing byte is reported as not fixable
//   automatically and left untouched; invalid UTF-8 is never rewritten;
// - the language server's workspace fix-all computes its edits on the text an editor holds
//   (without the BOM): applied there they give the fixed text, not a corrupted one.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixtureDir, runCliInProcess } from '../cli/run-cli';
import { applyTextEdits, editsFor, TestClient, uriOf } from '../lsp/client';
import type { WorkspaceFixResult } from '../../server/src/lsp/server';
import { check } from '../support/analyze';
import { loadProjectConfig } from '../../server/src/host/settings';

const bom = Buffer.from([0xef, 0xbb, 0xbf]);
const utf16 = (text: string, bigEndian = false): Buffer => {
  const body = Buffer.alloc(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    if (bigEndian) body.writeUInt16BE(text.charCodeAt(i), i * 2);
    else body.writeUInt16LE(text.charCodeAt(i), i * 2);
  }
  return Buffer.concat([Buffer.from(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]), body]);
};

const dirs: string[] = [];
const project = (files: Record<string, string | Buffer>): string => {
  const dir = fixtureDir(files);
  dirs.push(dir);
  return dir;
};
beforeAll(() => ensureBuilt());
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const findings = async (dir: string): Promise<{ ruleId: string; file: string; line: number; column: number }[]> => {
  const { stdout } = (await runCliInProcess(['check', dir, '--format', 'json']));
  return (JSON.parse(stdout) as { findings: { ruleId: string; file: string; startLine: number; startColumn: number }[] }).findings
    .map((f) => ({ ruleId: f.ruleId, file: f.file, line: f.startLine, column: f.startColumn }))
    .sort((a, b) => (a.file + a.ruleId < b.file + b.ruleId ? -1 : 1));
};

// One file of each kind with a safe fix (the torch family row, a removed NumPy alias).
const kinds: Record<string, { text: string; fixed: string }> = {
  'requirements.txt': { text: 'torchvision==0.17.0\ntorch==2.3.1\n', fixed: 'torchvision==0.18.1\ntorch==2.3.1\n' },
  'pyproject.toml': {
    text: '[project]\nname = "x"\nversion = "1"\ndependencies = ["torchvision==0.17.0", "torch==2.3.1"]\n',
    fixed: '[project]\nname = "x"\nversion = "1"\ndependencies = ["torchvision==0.18.1", "torch==2.3.1"]\n',
  },
  'setup.sh': { text: 'pip install torchvision==0.17.0 torch==2.3.1\n', fixed: 'pip install torchvision==0.18.1 torch==2.3.1\n' },
  Dockerfile: { text: 'FROM python:3.11\nRUN pip install torchvision==0.17.0 torch==2.3.1\n', fixed: 'FROM python:3.11\nRUN pip install torchvision==0.18.1 torch==2.3.1\n' },
};

describe('a UTF-8 BOM in every file kind', () => {
  for (const [name, { text, fixed }] of Object.entries(kinds)) {
    it(`${name}: the same findings as without it; --fix keeps the BOM and changes only the fix`, async () => {
      const plain = project({ [name]: text });
      const marked = project({ [name]: Buffer.concat([bom, Buffer.from(text)]) });
      const expected = (await findings(plain));
      expect(expected.length).toBeGreaterThan(0);
      expect((await findings(marked))).toEqual(expected);
      (await runCliInProcess(['check', marked, '--fix', '--unsafe-fixes']));
      expect(readFileSync(join(marked, name))).toEqual(Buffer.concat([bom, Buffer.from(fixed)]));
    });
  }

  it('[tool.pinwise] in a pyproject.toml with a BOM is read', () => {
    const dir = project({ 'pyproject.toml': Buffer.concat([bom, Buffer.from('[tool.pinwise]\npython = "3.11"\n')]) });
    expect(loadProjectConfig(dir)).toMatchObject({ config: { python: '3.11' }, problems: [] });
  });

  it('a .py file with a BOM is analysed, not skipped', async () => {
    const files = { 'requirements.txt': 'numpy==1.26.4\n', 'app.py': 'import numpy as np\nx = np.float(3)\n' };
    const plain = (await findings(project(files)));
    expect(plain.some((f) => f.ruleId === 'deprecated-api' && f.file === 'app.py')).toBe(true);
    expect((await findings(project({ ...files, 'app.py': Buffer.concat([bom, Buffer.from(files['app.py'])]) })))).toEqual(plain);
  });
});

describe('a BOM left in the text (an editor that keeps it), in the engine', () => {
  const texts = { ...Object.fromEntries(Object.entries(kinds).map(([name, { text }]) => [name, text])), 'app.py': 'import numpy as np\nx = np.float(3)\n' };
  for (const [name, text] of Object.entries(texts)) {
    it(`${name}: the same findings, one code unit later`, () => {
      const others: Record<string, string> = name === 'app.py' ? { 'requirements.txt': 'numpy==1.26.4\n' } : {};
      const plain = check({ ...others, [name]: text }).filter((f) => f.file === name);
      const marked = check({ ...others, [name]: `\uFEFF${text}` }).filter((f) => f.file === name);
      expect(plain.length).toBeGreaterThan(0);
      expect(marked.map((f) => [f.ruleId, f.span.start - 1, f.span.end - 1])).toEqual(plain.map((f) => [f.ruleId, f.span.start, f.span.end]));
    });
  }
});

describe('UTF-16 and undecodable bytes', () => {
  const text = '# caf\u00e9 \u2713\ntorchvision==0.17.0\ntorch==2.3.1\n';
  const fixed = text.replace('0.17.0', '0.18.1');

  for (const bigEndian of [false, true]) {
    it(`UTF-16 ${bigEndian ? 'BE' : 'LE'}: decoded, and fixed in the same encoding with its BOM`, async () => {
      const dir = project({ 'requirements.txt': utf16(text, bigEndian) });
      expect((await findings(dir)).map((f) => f.ruleId)).toContain('torch-family-mismatch');
      (await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes']));
      expect(readFileSync(join(dir, 'requirements.txt'))).toEqual(utf16(fixed, bigEndian));
    });
  }

  it('a lone surrogate in UTF-16 survives a fix byte for byte', async () => {
    const withLone = `# \uD800 lone\n${text}`;
    const dir = project({ 'requirements.txt': utf16(withLone) });
    (await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes']));
    expect(readFileSync(join(dir, 'requirements.txt'))).toEqual(utf16(withLone.replace('0.17.0', '0.18.1')));
  });

  it('UTF-16 with an odd trailing byte is analysed but reported as not fixable automatically, and left untouched', async () => {
    const bytes = Buffer.concat([utf16(text), Buffer.from([0x41])]);
    const dir = project({ 'requirements.txt': bytes });
    expect((await findings(dir)).map((f) => f.ruleId)).toContain('torch-family-mismatch');
    const run = (await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes']));
    expect(run.stderr).toMatch(/Skipped requirements\.txt: not fixable automatically/);
    expect(readFileSync(join(dir, 'requirements.txt'))).toEqual(bytes);
  });

  it('invalid UTF-8 is reported and never rewritten', async () => {
    const bytes = Buffer.concat([Buffer.from('torchvision==0.17.0\ntorch==2.3.1\n# '), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('\n')]);
    const dir = project({ 'requirements.txt': bytes });
    const run = (await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes', '--format', 'json']));
    expect(run.stdout).toContain('not valid UTF-8');
    expect(readFileSync(join(dir, 'requirements.txt'))).toEqual(bytes);
  });
});

describe('the language server fixes a file with a BOM that is not open', () => {
  it('computes the workspace fix-all on the text the editor holds (no BOM): applied there, it gives the fixed text', async () => {
    const text = 'torchvision==0.17.0\ntorch==2.3.1\n';
    const dir = project({ 'requirements.txt': Buffer.concat([bom, Buffer.from(text)]), 'odd-requirements.txt': Buffer.concat([utf16(text), Buffer.from([0x41])]) });
    const client = new TestClient();
    client.settings = { fixAll: { includePinChanges: true } }; // the fix is a pin change
    try {
      await client.initialize(dir);
      const result = await client.connection.sendRequest<WorkspaceFixResult>('workspace/executeCommand', { command: 'pinwise.fixAllWorkspace', arguments: [{ apply: false }] });
      const uri = uriOf(join(dir, 'requirements.txt'));
      // What an editor holds for that file: its text without the BOM (VS Code, Neovim alike).
      expect(applyTextEdits(text, editsFor(result.edit, uri))).toBe('torchvision==0.18.1\ntorch==2.3.1\n');
      // A file whose bytes cannot be written back exactly is left alone.
      expect(result.files).toEqual([uri]);
    } finally {
      await client.shutdown();
    }
  }, 60_000);
});
