// The environment-conflict knowledge base: every document validates, every entry has a source,
// and the schemas reject malformed entries.
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { kb, repoRoot } from '../support/analyze';

const names = ['variants', 'numpy-abi', 'python-support', 'requires', 'known-incompatible'] as const;

function validator(name: string) {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'rules', 'schema', `${name}.schema.json`), 'utf8')) as object;
  return new Ajv({ allErrors: true, strict: true }).compile(schema);
}

function load(name: string): unknown {
  return parse(readFileSync(join(repoRoot, 'rules', `${name}.yaml`), 'utf8'));
}

/** Every object in the document that names a `source`, and every object that should. */
function entries(name: string, doc: any): any[] {
  switch (name) {
    case 'variants':
      return doc.groups;
    case 'numpy-abi':
      return doc.packages;
    case 'python-support':
      return doc.packages.flatMap((p: any) => p.releases);
    case 'requires':
      return doc.requirements;
    default:
      return doc.pairs;
  }
}

describe('environment-conflict knowledge base', () => {
  it.each(names)('%s is loaded and every entry carries an https source', (name) => {
    expect(kb.documents[name]).toBeDefined();
    const list = entries(name, load(name));
    expect(list.length).toBeGreaterThan(0);
    for (const entry of list) expect(entry.source).toMatch(/^https:\/\//);
  });

  it.each([
    ['variants', { groups: [{ id: 'x', import: 'x', distributions: [{ name: 'a', accelerator: 'cpu' }, { name: 'b', accelerator: 'cpu' }] }] }],
    ['variants', { groups: [{ id: 'x', import: 'x', source: 'https://e', distributions: [{ name: 'a', accelerator: 'tpu' }, { name: 'b', accelerator: 'cpu' }] }] }],
    ['variants', { groups: [{ id: 'x', import: 'x', source: 'https://e', distributions: [{ name: 'a', accelerator: 'cpu', platform: 'win32' }, { name: 'b', accelerator: 'cpu' }] }] }],
    ['numpy-abi', { numpy2: '2.0.0', packages: [{ name: 'torch', first_numpy2_build: 'soon', source: 'https://e' }] }],
    ['python-support', { packages: [{ name: 'numpy', releases: [{ versions: '>=1', python: {}, source: 'https://e' }] }] }],
    ['requires', { requirements: [{ package: 'tensorflow', versions: '==2.12.0', requires: 'numpy', specifier: '<1.24', source: 'http://insecure' }] }],
    ['known-incompatible', { pairs: [{ id: 'x', package: 'a', affected: '<1', with: 'b', with_versions: '>1', reason: 'r', source: 'https://e', extra: 1 }] }],
    ['requires', { requirements: [{ package: 'torch', versions: '==2.6.0', requires: 'triton', specifier: '==3.2.0', local_tags: [], source: 'https://e' }] }],
    ['requires', { requirements: [{ package: 'torch', versions: '==2.6.0', requires: 'triton', specifier: '==3.2.0', local_tags: ['+CU'], source: 'https://e' }] }],
    ['requires', { requirements: [{ package: 'gradio', versions: '==4.11.0', requires: 'gradio_client', specifier: '==0.7.3', source: 'https://e' }] }],
    ['known-incompatible', { pairs: [{ id: 'x', package: 'a', affected: '<1', fixed_in: 'next', with: 'b', with_versions: '>1', reason: 'r', source: 'https://e' }] }],
  ])('%s schema rejects a malformed entry', (name, doc) => {
    expect(validator(name)(doc)).toBe(false);
  });

  it.each(names)('%s validates against its schema', (name) => {
    expect(validator(name)(load(name))).toBe(true);
  });
});
