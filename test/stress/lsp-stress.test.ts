// The short, seeded language-server storm on every `npm test`; `npm run stress` runs the long one.
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../cli/run-cli';
import { runStress } from './driver';

beforeAll(() => ensureBuilt());

describe('language server under a storm of edits, opens, closes, requests and audits', () => {
  it('stays up, publishes only for versions it was sent, in order, inside the text, and ends current', async () => {
    const report = await runStress({ seed: 20261122, operations: 600, files: 12 });
    expect(report.violations).toEqual([]);
    expect(report.edits).toBeGreaterThan(200);
    expect(report.cancelledAnswered).toBe(report.cancelledSent); // nothing left hanging
    // Edits are coalesced: far fewer analyses than edits (the debounce drops stale work).
    expect(report.analyses).toBeLessThan(report.edits);
  }, 240_000);
});
