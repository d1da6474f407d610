// Memory stays flat over a long session of edits on a huge line: the engine's memos (PEP 508
// parses, versions, markers) are bounded by the size of their keys, not by how many they hold.
// Each edit below analyses a 1 MB requirement line that differs from the previous one, as typing
// into it does in the language server; a memo bounded by entry count keeps every version of it.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { analyze, defaultSettings } from '../../server/src/engine';
import { TextMemo } from '../../server/src/engine/memo';
import type { ParseCache } from '../../server/src/engine/project';
import { kb } from '../support/analyze';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const megabyte = 1 << 20;
const shapes: Record<string, { line: string; typed: string; edits: number }> = {
  'a 1 MB version': { line: `numpy==1.26.${'4'.repeat(megabyte)}`, typed: '4', edits: 40 },
  'a 1 MB marker': { line: `numpy==1.26.4 ; platform_release == "${'x'.repeat(megabyte)}"`, typed: 'x', edits: 12 },
};

describe('typing into a 1 MB requirement line keeps the heap flat', () => {
  for (const [name, { line: initial, typed, edits }] of Object.entries(shapes)) {
    it(`${name}: ${edits} edits grow the heap by less than 10 MB`, async () => {
      const cache: ParseCache = new Map();
      let line = initial;
      const edit = (i: number) => {
        const at = 40 + ((i * 7919) % (line.length - 80)); // inside the version or the quoted value
        line = line.slice(0, at) + typed + line.slice(at);
        return analyze({ files: [{ path: 'requirements.txt', text: `torch==2.3.1\n${line}\n` }], settings: defaultSettings({}), kb, parseCache: cache });
      };
      for (let i = 0; i < 3; i++) edit(i); // warm up: module state, JIT
      const before = heapAfterGc();
      let parsed = 0;
      for (let i = 3; i < 3 + edits; i++) {
        parsed += edit(i).project.parsed.get('requirements.txt')!.requirements.filter((r) => r.name === 'numpy').length;
        await new Promise((resolve) => setImmediate(resolve)); // let the test runner's worker answer its messages
      }
      const grown = (heapAfterGc() - before) / megabyte;
      expect(parsed).toBe(edits); // the line is parsed every time, not skipped
      expect(grown).toBeLessThan(10); // a memo bounded by entry count keeps 1-2 MB per edit
    }, 120_000);
  }
});

describe('TextMemo', () => {
  it('holds at most its size in keys, evicting the oldest, and never keeps an over-long key', () => {
    const memo = new TextMemo<number>(10_000, 1000);
    let computed = 0;
    const compute = (key: string) => ++computed + key.length * 0;
    for (let i = 0; i < 1000; i++) memo.get(`${i}`.padEnd(500, 'x'), compute);
    expect(memo.heldSize).toBeLessThanOrEqual(10_000);
    expect(memo.count).toBeGreaterThan(0);
    expect(memo.get('999'.padEnd(500, 'x'), compute)).toBe(1000); // the newest is kept
    expect(memo.get('0'.padEnd(500, 'x'), compute)).toBe(1001); // the oldest was evicted
    const long = 'y'.repeat(1001);
    memo.get(long, compute);
    memo.get(long, compute);
    expect(computed).toBe(1003);
    for (let i = 0; i < 100_000; i++) memo.get(`${i}`, compute);
    expect(memo.heldSize).toBeLessThanOrEqual(10_000); // many tiny keys are bounded too
  });
});
