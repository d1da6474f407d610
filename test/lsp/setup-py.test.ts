// A setup.py opened in the editor (over stdio): its requirement strings get diagnostics, and the
// quick fix edits only inside the string it is about.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyTextEdits, editsFor, TestClient, uriOf } from './client';

let root: string;
let client: TestClient;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'pinwise-lsp-setup-'));
  client = new TestClient();
  await client.initialize(root);
});

afterAll(async () => {
  const code = await client.shutdown();
  rmSync(root, { recursive: true, force: true });
  expect(code).toBe(0);
});

const setupPy = `# Bildwerk — café ✓
from setuptools import setup

REQUIRED = ["torch==2.1.2", "torchvision==0.17.0"]

setup(name="bildwerk", install_requires=REQUIRED, python_requires=">=3.9")
`;

describe('setup.py in the language server', () => {
  it('publishes torch-family-mismatch on the string, and its quick fix edits only the version inside it', async () => {
    const path = join(root, 'setup.py');
    writeFileSync(path, setupPy);
    const uri = uriOf(path);
    client.open(uri, setupPy, 'python');
    const diagnostics = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'torch-family-mismatch'));
    const mismatch = diagnostics.find((d: Diagnostic) => d.code === 'torch-family-mismatch')!;
    expect(mismatch.range.start.line).toBe(3);
    const line = setupPy.split('\n')[3]!;
    expect(mismatch.range.end.line).toBe(3);
    expect('"torchvision==0.17.0"').toContain(line.slice(mismatch.range.start.character, mismatch.range.end.character));
    const preferred = (await client.codeActions(uri, [mismatch])).find((a) => a.isPreferred)!;
    const edits = editsFor(preferred.edit!, uri);
    // Every edit lies inside the string "torchvision==0.17.0".
    const stringStart = line.indexOf('"torchvision') + 1;
    const stringEnd = line.indexOf('"', stringStart);
    for (const edit of edits) {
      expect(edit.range.start.line).toBe(3);
      expect(edit.range.end.line).toBe(3);
      expect(edit.range.start.character).toBeGreaterThanOrEqual(stringStart);
      expect(edit.range.end.character).toBeLessThanOrEqual(stringEnd);
    }
    expect(applyTextEdits(setupPy, edits)).toBe(setupPy.replace('"torchvision==0.17.0"', '"torchvision==0.16.2"'));
  });
});
