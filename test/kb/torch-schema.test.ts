import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { torchKnowledge } from '../../server/src/engine/kb/torch';
import { kb, repoRoot } from '../support/analyze';

const schema = JSON.parse(readFileSync(join(repoRoot, 'rules/schema/torch.schema.json'), 'utf8')) as object;
const data = parseYaml(readFileSync(join(repoRoot, 'rules/torch.yaml'), 'utf8')) as {
  releases: Record<string, unknown>[];
  variantIndexes: { names: string[]; source: string }[];
  indexes: { source: string; legacyFindLinks: { source: string }[] };
  stableAbi: Record<string, unknown>[];
};
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
const clone = () => JSON.parse(JSON.stringify(data)) as typeof data;

describe('rules/torch.yaml', () => {
  it('passes its schema and loads through the knowledge-base loader', () => {
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true);
    expect(torchKnowledge(kb)).not.toBeNull();
  });

  it('gives every entry an https source', () => {
    const sources = [
      data.indexes.source,
      ...data.indexes.legacyFindLinks.map((l) => l.source),
      ...data.variantIndexes.map((v) => v.source),
      ...data.releases.flatMap((r) => [r['source'], r['pythonSource']]),
      ...data.stableAbi.map((l) => l['source']),
    ];
    expect(sources.length).toBeGreaterThan(20);
    for (const source of sources) expect(source).toMatch(/^https:\/\/\S+$/);
  });

  it('covers every release from 1.13.0 to 2.14.1, once each', () => {
    const versions = data.releases.map((r) => r['torch'] as string);
    expect(new Set(versions).size).toBe(versions.length);
    for (const v of ['1.13.0', '1.13.1', '2.0.0', '2.0.1', '2.1.2', '2.2.2', '2.3.1', '2.4.1', '2.5.1', '2.6.0', '2.7.1', '2.8.0', '2.9.0', '2.9.1', '2.10.0', '2.11.0', '2.12.0', '2.12.1', '2.13.0', '2.14.0', '2.14.1']) {
      expect(versions).toContain(v);
    }
  });

  it('lists only variants PyTorch serves as an index, and torchaudio only up to its stable-ABI line', () => {
    const view = torchKnowledge(kb)!;
    for (const row of view.releases) for (const v of row.variants) expect(view.isKnownIndexVariant(v), `${row.torch}+${v}`).toBe(true);
    for (const row of view.releases) if (row.torchaudio) expect(view.stableAbiLineOf('torchaudio', row.torchaudio) === undefined || row.torchaudio === '2.11.0').toBe(true);
    expect(view.releaseOf('torch', '2.12.0')!.torchaudio).toBeUndefined();
    expect(view.stableAbiLineOf('torchaudio', '2.11.1')!.torch).toBe('>=2.11');
    expect(view.newestKnown('torch')).toBe('2.14.1');
  });

  it('rejects a stable-ABI line whose torch is not a lower bound', () => {
    for (const torch of ['2.11', '<2.11', '>=2.11,<3', 'any']) {
      const bad = clone();
      bad.stableAbi[0]!['torch'] = torch;
      expect(validate(bad), torch).toBe(false);
    }
  });

  it('spells ROCm variants as PyTorch does and knows the seed facts', () => {
    const view = torchKnowledge(kb)!;
    expect(view.releaseOf('torch', '2.3.1')!.variants).toContain('rocm5.7');
    expect(view.releaseOf('torch', '2.3.1')!.variants).not.toContain('rocm6.2');
    expect(view.releaseOf('torch', '2.5.0')!.variants).not.toContain('cu126');
    expect(view.releaseOf('torch', '2.6.0')!.variants).toContain('rocm6.2.4');
    expect(view.releaseOf('torchvision', '0.18.1')!.torch).toBe('2.3.1');
    expect(view.isKnownIndexVariant('rocm5.7')).toBe(true);
    expect(view.isKnownIndexVariant('rocm5.7.1')).toBe(false);
  });

  it('rejects an entry without a source', () => {
    const bad = clone();
    delete bad.releases[0]!['source'];
    expect(validate(bad)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('source');
  });

  it('rejects a misspelled variant', () => {
    for (const variant of ['rocm-5.7', 'cuda121', 'CU121', 'rocm5', 'cu12.1']) {
      const bad = clone();
      bad.releases[0]!['variants'] = ['cpu', variant];
      expect(validate(bad), variant).toBe(false);
    }
  });

  it('rejects a local tag in a version, an unknown field and a Python range without max', () => {
    const tagged = clone();
    tagged.releases[0]!['torch'] = '1.13.0+cu117';
    expect(validate(tagged)).toBe(false);
    const extra = clone();
    extra.releases[0]!['cuda'] = '11.7';
    expect(validate(extra)).toBe(false);
    const python = clone();
    python.releases[0]!['python'] = { min: '3.7' };
    expect(validate(python)).toBe(false);
  });
});
