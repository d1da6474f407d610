// `pinwise check --fix` and the server's workspace fix-all never write outside the project, never
// through a symbolic link (a linked file, or a file in a linked folder, is reported as not fixable
// automatically and left as it is, the link kept), and write through a temp file created
// exclusively under a random name, so a link planted at the old predictable temp name receives
// nothing. Every case compares every byte outside the project (and every link) before and after.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../server/src/cli/main';
import type { WorkspaceFixResult } from '../../server/src/lsp/server';
import { ensureBuilt, runCli } from '../cli/run-cli';
import { TestClient, uriOf } from '../lsp/client';

beforeAll(() => ensureBuilt());

/** A file with one safe fix (torchvision 0.17.0 → 0.18.1 beside torch 2.3.1). */
const fixable = 'torch==2.3.1\ntorchvision==0.17.0\n';
const fixed = 'torch==2.3.1\ntorchvision==0.18.1\n';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function layout(files: Record<string, string>): string {
  const top = mkdtempSync(join(tmpdir(), 'pinwise-fixw-'));
  made.push(top);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(top, path)), { recursive: true });
    writeFileSync(join(top, path), text);
  }
  return top;
}

/** Every entry under `dir`: file bytes, or a link's target (links are not followed). */
function snapshot(dir: string, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(join(dir, prefix))) {
    const rel = prefix ? `${prefix}/${entry}` : entry;
    const stats = lstatSync(join(dir, rel));
    if (stats.isSymbolicLink()) out.set(rel, `-> ${readlinkSync(join(dir, rel))}`);
    else if (stats.isDirectory()) for (const [k, v] of snapshot(dir, rel)) out.set(k, v);
    else out.set(rel, readFileSync(join(dir, rel)).toString('hex'));
  }
  return out;
}

/** The snapshot minus the entries under `inside` (the project): what must never change. */
const without = (snap: Map<string, string>, inside: string) => new Map([...snap].filter(([k]) => !k.startsWith(`${inside}/`)));

describe('pinwise check --fix writes only inside the project, never through a link', () => {
  it('an include outside, a folder link out of the project: nothing outside changes', () => {
    const top = layout({ 'project/requirements.txt': `-r ../outside/requirements.txt\n-r sub/requirements.txt\n${fixable}`, 'outside/requirements.txt': fixable, 'outdir/requirements.txt': fixable });
    symlinkSync('../outdir', join(top, 'project', 'sub'));
    const before = snapshot(top);
    const run = runCli(['check', join(top, 'project'), '--fix', '--unsafe-fixes']);
    expect([0, 1]).toContain(run.status);
    const after = snapshot(top);
    expect(without(after, 'project')).toEqual(without(before, 'project'));
    expect(after.get('project/sub')).toBe('-> ../outdir');
    expect(readFileSync(join(top, 'project', 'requirements.txt'), 'utf8')).toBe(`-r ../outside/requirements.txt\n-r sub/requirements.txt\n${fixed}`);
  });

  it('a linked file and a file in a linked folder (both inside the repository) are not fixable automatically, the links kept', () => {
    const top = layout({ 'repo/shared/requirements.txt': fixable, 'repo/shared/sub/requirements.txt': fixable, 'repo/app/requirements.txt': '-r vendored/sub/requirements.txt\n' });
    mkdirSync(join(top, 'repo', '.git'));
    symlinkSync('../shared/requirements.txt', join(top, 'repo', 'app', 'requirements-linked.txt'));
    symlinkSync('../shared', join(top, 'repo', 'app', 'vendored'));
    const before = snapshot(top);
    const run = runCli(['check', join(top, 'repo', 'app'), '--fix', '--unsafe-fixes']);
    expect(run.stderr).toContain('Skipped requirements-linked.txt: not fixable automatically: it is a symbolic link');
    expect(run.stderr).toContain('Skipped vendored/sub/requirements.txt: not fixable automatically: it is a symbolic link, or in a folder reached through one');
    expect(run.stderr).not.toMatch(/^Fixed /m);
    expect(snapshot(top)).toEqual(before);
  });

  it('a link planted at the old temp-file name receives nothing; no temp file is left', async () => {
    const top = layout({ 'project/requirements.txt': fixable, 'victim/target.conf': 'keep me\n' });
    const project = join(top, 'project');
    // The name the writer used to pick: `.<name>.pinwise-<pid>.tmp`, here for this process (main runs in-process).
    symlinkSync('../victim/target.conf', join(project, `.requirements.txt.pinwise-${process.pid}.tmp`));
    for (let n = 0; n < 64; n++) symlinkSync('../victim/target.conf', join(project, `.requirements.txt.pinwise-${n}.tmp`));
    const before = snapshot(top);
    const err: string[] = [];
    const code = await main(['check', project, '--fix', '--unsafe-fixes'], { out: () => undefined, err: (t) => err.push(t), isTTY: false });
    expect([0, 1]).toContain(code);
    expect(err.join('')).toMatch(/^Fixed .*requirements\.txt$/m);
    const after = snapshot(top);
    expect(readFileSync(join(top, 'victim', 'target.conf'), 'utf8')).toBe('keep me\n');
    expect(readFileSync(join(project, 'requirements.txt'), 'utf8')).toBe(fixed);
    before.delete('project/requirements.txt');
    after.delete('project/requirements.txt');
    expect(after).toEqual(before); // every planted link still there, pointing where it did; no new file
  });
});

describe("the server's workspace fix-all edits nothing through a link", () => {
  it('leaves a linked file and a file in a linked folder out of the edit and says why', async () => {
    const top = layout({ 'ws/shared/requirements.txt': fixable, 'ws/requirements.txt': fixable, 'outside/requirements.txt': fixable });
    const ws = join(top, 'ws');
    mkdirSync(join(ws, 'app'));
    symlinkSync('../shared/requirements.txt', join(ws, 'app', 'requirements.txt'));
    symlinkSync('../outside', join(ws, 'out'));
    const client = new TestClient();
    client.settings = { fixAll: { includePinChanges: true } }; // the fix is a pin change
    try {
      await client.initialize(ws);
      const result = await client.connection.sendRequest<WorkspaceFixResult>('workspace/executeCommand', { command: 'pinwise.fixAllWorkspace', arguments: [{ apply: false }] });
      expect(result.files.sort()).toEqual([uriOf(join(ws, 'requirements.txt')), uriOf(join(ws, 'shared', 'requirements.txt'))].sort());
      expect(result.notFixed).toEqual([{ uri: uriOf(join(ws, 'app', 'requirements.txt')), reason: expect.stringMatching(/^not fixable automatically: it is a symbolic link/) }]);
      expect(JSON.stringify(result.edit)).not.toContain('/out/');
    } finally {
      expect(await client.shutdown()).toBe(0);
    }
  });
});
