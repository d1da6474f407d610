// The suite validates rules/ once (test/support/global-setup.ts) and test files read the compiled
// result: it must be exactly what validating rules/ gives, and a rules/ that fails its schema must
// stop the setup with the validator's message.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../server/src/host/knowledge-base';
import { compileTestKnowledgeBase } from '../support/global-setup';
import { testKnowledgeBase } from '../support/knowledge-base';
import { repoRoot } from '../support/analyze';

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinwise-validated-once-'));
  scratch.push(dir);
  return dir;
}

describe('knowledge base validated once for the whole suite', () => {
  it('the knowledge base test files read equals validating rules/', () => {
    expect(testKnowledgeBase()).toEqual(loadKnowledgeBase(join(repoRoot, 'rules')));
  });

  it('a rules/ that fails its schema stops the setup with the validator message', () => {
    const rules = join(scratchDir(), 'rules');
    cpSync(join(repoRoot, 'rules'), rules, { recursive: true });
    const torch = join(rules, 'torch.yaml');
    writeFileSync(torch, `${readFileSync(torch, 'utf8')}\nnotAField: 1\n`);
    expect(() => compileTestKnowledgeBase(rules, scratchDir())).toThrow(/^torch: .*must NOT have additional properties/);
  });
});
