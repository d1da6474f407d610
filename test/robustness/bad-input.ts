// Shared by the bad-input tests (bad-input.test.ts, bad-input-notebooks.test.ts,
// bad-input-big.test.ts: three files so that they run in parallel): the file kinds every hostile
// input is read as, and the span checks.
import { expect } from 'vitest';
import type { FileKind } from '../../server/src/engine/model';

export const kinds: [FileKind, string][] = [
  ['requirements', 'requirements.txt'],
  ['pyproject', 'pyproject.toml'],
  ['setup-py', 'setup.py'],
  ['setup-cfg', 'setup.cfg'],
  ['pipfile', 'Pipfile'],
  ['shell', 'setup.sh'],
  ['dockerfile', 'Dockerfile'],
  ['python', 'train.py'],
  ['python-version', '.python-version'],
  ['batch', 'install.bat'],
  ['powershell', 'setup.ps1'],
  ['uv-lock', 'uv.lock'],
  ['poetry-lock', 'poetry.lock'],
  ['pdm-lock', 'pdm.lock'],
  ['pipfile-lock', 'Pipfile.lock'],
  ['pylock', 'pylock.toml'],
  ['conda', 'environment.yml'],
  ['cog', 'cog.yaml'],
  ['github-workflow', '.github/workflows/ci.yml'],
  ['gitlab-ci', '.gitlab-ci.yml'],
  ['notebook', 'train.ipynb'],
];

/** Every `{start, end}` pair anywhere in `value` (parser results nest spans in many shapes). */
function collectSpans(value: unknown, out: { start: number; end: number }[] = [], seen = new Set<object>()): { start: number; end: number }[] {
  if (value === null || typeof value !== 'object' || seen.has(value)) return out;
  seen.add(value);
  const record = value as Record<string, unknown>;
  if (typeof record['start'] === 'number' && typeof record['end'] === 'number') out.push({ start: record['start'], end: record['end'] });
  for (const child of Array.isArray(value) ? value : Object.values(record)) collectSpans(child, out, seen);
  return out;
}

export function expectSpansInside(value: unknown, length: number, what: string): void {
  const bad = collectSpans(value).filter((s) => !(s.start >= 0 && s.start <= s.end && s.end <= length));
  expect(bad.slice(0, 3), `${what}: spans outside 0..${length}`).toEqual([]);
}

/** One requirement-ish slice of the input for the single-item parsers (they see one line in real use). */
export function firstLine(text: string): string {
  const end = text.search(/[\r\n]/);
  return end < 0 ? text : text.slice(0, end);
}
