// Registry, docs, contract and SARIF catalog must stay equal.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules, ruleIds } from '../../server/src/engine/rules';
import { docHeadings } from '../../server/src/engine/rules/define';
import { generatedFiles } from '../../scripts/gen-docs';
import { repoRoot } from '../support/analyze';

describe('rule registry', () => {
  it('holds stable kebab-case ids, once each', () => {
    for (const id of ruleIds) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(new Set(ruleIds).size).toBe(ruleIds.length);
  });

  it('implements rules of CONTRACTS.md only, in its order, when the contract file is present', () => {
    let contract: string;
    try {
      contract = readFileSync(join(repoRoot, '..', 'shared', 'CONTRACTS.md'), 'utf8');
    } catch {
      return; // outside the workspace the registry is the contract
    }
    // The contract may name a rule before it is built; the registry never has one it lacks.
    const ids = [...contract.matchAll(/^\| `([a-z-]+)` \| (error|warning|note)/gm)].map((m) => m[1]);
    // Built ahead of the contract (the contract is not this repository's to edit; it only grows):
    // each id here goes once CONTRACTS.md lists it.
    const awaitingContract = ['unused-suppression'].filter((id) => !ids.includes(id));
    expect(ids.filter((id) => ruleIds.includes(id!))).toEqual(ruleIds.filter((id) => !awaitingContract.includes(id)));
  });

  it.each(rules.map((r) => [r.meta.id, r] as const))('%s has a one-file definition with the fixed docs headings', (id, rule) => {
    expect(rule.meta.id).toBe(id);
    expect(rule.meta.summary.length).toBeGreaterThan(10);
    const headings = [...rule.meta.docs.matchAll(/^## .+$/gm)].map((m) => m[0]);
    for (const heading of docHeadings) expect(headings).toContain(heading);
    if (rule.meta.status === 'planned') expect(rule.meta.docs).toMatch(/planned/i);
    else expect(rule.meta.docs).not.toMatch(/^## Status\nPlanned/m);
  });
});

describe('generated docs', () => {
  it('docs/rules/*.md and the README table are up to date (npm run docs)', () => {
    const files = generatedFiles();
    expect(files.size).toBeGreaterThan(rules.length);
    for (const [path, text] of files) {
      expect(readFileSync(path, 'utf8'), `${path} is stale: run npm run docs`).toBe(text);
    }
  });
});
