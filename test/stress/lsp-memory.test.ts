// The language server's memory stays flat while one types into a 1 MB requirement line: its
// memos are bounded by size, not entry count (with entry counts, each edit kept another copy of
// the line: ~1 MB of resident memory per edit, 3.4 GB after 3,000 edits). `npm run stress --
// --huge-line 3000` runs the long session and prints the figures.
import { describe, expect, it } from 'vitest';
import { ensureBuilt } from '../cli/run-cli';
import { typeIntoHugeLine } from './driver';

describe('typing into a 1 MB requirement line in the language server', () => {
  it.skipIf(process.platform !== 'linux')('keeps resident memory flat over 150 analysed edits', async () => {
    ensureBuilt();
    const report = await typeIntoHugeLine({ edits: 150, lineLength: 1 << 20, sampleEvery: 25 });
    expect(report.violations).toEqual([]);
    expect(report.edits).toBe(150);
    expect(report.analyses).toBeGreaterThanOrEqual(150); // every version was analysed
    // The lowest of the last three samples: RSS moves with the collector, a leak only grows.
    const settled = Math.min(...report.samples.slice(-3).map(([, mb]) => mb!));
    expect(settled - report.startRssMb!).toBeLessThan(50); // a leak of 1 MB per edit: ~+100 MB here
  }, 120_000);
});
