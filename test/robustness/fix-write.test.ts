// `pinwise check --fix` never loses data: through the real CLI it writes by temp file +
// rename (a new inode, no temp file left), keeps the mode, keeps line endings, BOM,
// final newline and encoding, applying twice equals once, and it refuses to write a
// file that changed on disk after it was read.
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../server/src/cli/main';
import { ensureBuilt, runCliInProcess } from '../cli/run-cli';
import { repoRoot } from '../support/analyze';

beforeAll(() => ensureBuilt());

const example = join(repoRoot, 'examples', 'broken-ml-project');

function copyOfExample(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinwise-fix-'));
  cpSync(example, dir, { recursive: true });
  return dir;
}

/** Every file under `dir` as bytes, by relative path. */
function snapshot(dir: string, prefix = ''): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    if (entry.name === '.pinwise_cache') continue; // the check's cache of .py findings, not a file --fix writes
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [k, v] of snapshot(dir, rel)) out.set(k, v);
    else out.set(rel, readFileSync(join(dir, rel)));
  }
  return out;
}

describe('pinwise check --fix through the CLI', () => {
  it('writes by rename (new inode, no temp file left), keeps each mode, and a second run changes nothing', async () => {
    const dir = copyOfExample();
    chmodSync(join(dir, 'requirements.txt'), 0o600);
    chmodSync(join(dir, 'requirements-cpu.txt'), 0o755);
    const inodes = new Map(['requirements.txt', 'requirements-cpu.txt'].map((f) => [f, statSync(join(dir, f)).ino]));
    const before = snapshot(dir);
    const first = (await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes']));
    expect([0, 1]).toContain(first.status);
    expect(first.stderr).toMatch(/Fixed .*requirements\.txt/);
    const once = snapshot(dir);
    expect([...once.keys()].sort()).toEqual([...before.keys()].sort()); // no temp file left behind
    expect(once.get('requirements.txt')!.equals(before.get('requirements.txt')!)).toBe(false);
    for (const [file, ino] of inodes) expect(statSync(join(dir, file)).ino, `${file} replaced by rename`).not.toBe(ino);
    expect(statSync(join(dir, 'requirements.txt')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'requirements-cpu.txt')).mode & 0o777).toBe(0o755);

    const second = (await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes']));
    expect(second.stderr).not.toMatch(/Fixed/);
    const twice = snapshot(dir);
    for (const [file, bytes] of once) expect(twice.get(file)!.equals(bytes), file).toBe(true);
  });

  it('keeps CRLF, a BOM and a missing final newline byte for byte outside the fixed text', async () => {
    const dir = copyOfExample();
    const original = readFileSync(join(example, 'requirements.txt'), 'utf8');
    const crlf = '\uFEFF' + original.replace(/\r?\n/g, '\r\n').replace(/\r\n$/, '');
    writeFileSync(join(dir, 'requirements.txt'), crlf);
    (await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes']));
    const plainFixed = await (async () => {
      const plain = copyOfExample();
      (await runCliInProcess(['check', plain, '--fix', '--unsafe-fixes']));
      return readFileSync(join(plain, 'requirements.txt'), 'utf8');
    })();
    const fixed = readFileSync(join(dir, 'requirements.txt'), 'utf8');
    expect(fixed).not.toBe(crlf);
    // The same fix as on the LF file, with the CRLF, BOM and no-final-newline shape kept.
    expect(fixed).toBe('\uFEFF' + plainFixed.replace(/\n/g, '\r\n').replace(/\r\n$/, ''));
  });

  it('keeps a UTF-16 file UTF-16 (with its BOM) when it fixes it', async () => {
    const dir = copyOfExample();
    const original = readFileSync(join(example, 'requirements.txt'), 'utf8');
    writeFileSync(join(dir, 'requirements.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(original, 'utf16le')]));
    const plain = copyOfExample();
    (await runCliInProcess(['check', plain, '--fix', '--unsafe-fixes']));
    const expected = readFileSync(join(plain, 'requirements.txt'), 'utf8');
    const result = (await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes']));
    const bytes = readFileSync(join(dir, 'requirements.txt'));
    if (/Fixed .*requirements\.txt/.test(result.stderr)) {
      expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
      expect(bytes.subarray(2).toString('utf16le')).toBe(expected);
    } else {
      // Refusing to rewrite a UTF-16 file is acceptable; silently changing its encoding is not.
      expect(bytes.equals(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(original, 'utf16le')]))).toBe(true);
    }
  });

  it('refuses to write a file that changed on disk after it was read, and keeps the change', async () => {
    const dir = copyOfExample();
    const edited: string[] = [];
    const err: string[] = [];
    const io = {
      out: () => undefined,
      isTTY: false,
      // After the first file is written (the others were read but not yet written), another
      // process edits every file still pending: exactly the window --fix must guard.
      err: (text: string) => {
        err.push(text);
        if (edited.length > 0 || !text.startsWith('Fixed ')) return;
        for (const file of ['requirements.txt', 'requirements-cpu.txt', 'app/preprocess.py']) {
          if (text.includes(join(dir, file))) continue;
          appendFileSync(join(dir, file), '\n# edited elsewhere\n');
          edited.push(file);
        }
      },
    };
    const code = await main(['check', dir, '--fix', '--unsafe-fixes'], io);
    expect([0, 1]).toContain(code);
    expect(edited).toHaveLength(2);
    for (const file of edited) {
      expect(err.join('')).toContain(`Skipped ${file}: it changed on disk since it was read`);
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text).toBe(readFileSync(join(example, file), 'utf8') + '\n# edited elsewhere\n'); // the other edit survives, unfixed
    }
  });
});
