// The build's meaning check: copies of rules/ with one field corrupted must fail the knowledge-base
// compile step that `npm run build` runs, naming the file and line; the real rules/ must pass.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { checkDocumentMeaning, documentKind, fieldMeanings, unclassifiedFields, type FieldMeaning } from '../../server/src/engine/kb/meaning';
import { compileKnowledgeBase } from '../../scripts/compile-kb';
import { repoRoot } from '../support/analyze';

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project root holding a copy of rules/ with `file`'s first `from` replaced by `to`; the line it lands on. */
function corruptedCopy(file: string, from: string, to: string): { root: string; line: number } {
  const root = mkdtempSync(join(tmpdir(), 'pinwise-kb-meaning-'));
  scratch.push(root);
  cpSync(join(repoRoot, 'rules'), join(root, 'rules'), { recursive: true });
  mkdirSync(join(root, 'dist'));
  const path = join(root, 'rules', file);
  const text = readFileSync(path, 'utf8');
  const at = text.indexOf(from);
  expect(at, `${from} in ${file}`).toBeGreaterThanOrEqual(0);
  writeFileSync(path, text.slice(0, at) + to + text.slice(at + from.length));
  return { root, line: text.slice(0, at).split('\n').length };
}

function compileError(root: string): string {
  try {
    compileKnowledgeBase(root);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

function yamlKeys(dir: string): { key: string; text: string }[] {
  const out: { key: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const full = join(d, entry);
      if (entry === 'schema') continue;
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith('.yaml')) out.push({ key: relative(dir, full).replace(/\\/g, '/').replace(/\.yaml$/, ''), text: readFileSync(full, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

describe('knowledge base meaning check', () => {
  const cases: { name: string; file: string; from: string; to: string; says: string }[] = [
    { name: 'a specifier that is no specifier set', file: 'requires.yaml', from: 'specifier: ">=1.22,<1.24"', to: 'specifier: ">=1.22;<1.24"', says: 'is not a PEP 440 specifier set' },
    { name: 'a specifier with a doubled operator', file: 'requires.yaml', from: 'specifier: "==2.0.0"', to: 'specifier: "=>2.0.0"', says: 'requirements[8].specifier' },
    { name: 'a version range that is no specifier', file: 'requires.yaml', from: 'versions: "==2.12.0"', to: 'versions: "2.12.0"', says: 'is not a PEP 440 specifier set' },
    { name: 'a marker that is no PEP 508 marker', file: 'requires.yaml', from: 'marker: platform_system == "Linux" and platform_machine == "x86_64"', to: 'marker: platform_system = "Linux"', says: 'is not a PEP 508 marker' },
    { name: 'a source that is no URL', file: 'requires.yaml', from: 'source: https://pypi.org/project/tensorflow/2.12.0/', to: 'source: https//pypi.org/project/tensorflow/2.12.0/', says: 'is not a URL' },
    { name: 'an evidence link that is no URL', file: 'requires.yaml', from: 'evidence: [https://github.com/tensorflow/tensorflow/issues/60216]', to: 'evidence: [github.com/tensorflow/tensorflow/issues/60216]', says: 'requirements[0].evidence[0]' },
    { name: 'a plain-http source', file: 'known-incompatible.yaml', from: 'source: https://', to: 'source: http://', says: 'is not an https URL' },
    { name: 'a version that is no PEP 440 version', file: 'numpy-abi.yaml', from: 'first_numpy2_build: "2.3.0"', to: 'first_numpy2_build: "2.3.0-final-x"', says: 'is not a PEP 440 version' },
    { name: 'a Python range bound that is no minor', file: 'python-support.yaml', from: 'min: "3.8"', to: 'min: "3.8.x"', says: 'is not a CPython minor version' },
    { name: 'an affected range that is no specifier', file: 'known-incompatible.yaml', from: 'affected: "<=1.4.2"', to: 'affected: "<=1.4.2x"', says: 'pairs[0].affected' },
    { name: 'a torch release that is no version', file: 'torch.yaml', from: 'torch: "1.13.0"', to: 'torch: "1.13.0!"', says: 'releases[0].torch' },
    { name: 'a variant pattern that is no regular expression', file: 'torch.yaml', from: "pattern: '^xpu$'", to: "pattern: '^(xpu$'", says: 'variantNames.families[3].pattern' },
    { name: 'an index template that is no URL', file: 'torch.yaml', from: 'stable: https://download.pytorch.org/whl/{variant}', to: 'stable: download.pytorch.org/whl/{variant}', says: 'indexes.stable' },
  ];
  for (const c of cases) {
    it(`fails the build on ${c.name}, naming the file and line`, () => {
      const { root, line } = corruptedCopy(c.file, c.from, c.to);
      const message = compileError(root);
      expect(message).toContain(`rules/${c.file}:${line}:`);
      expect(message).toContain(c.says);
      expect(message.split('\n').filter((l) => l.startsWith('rules/'))).toHaveLength(1);
    });
  }

  it('fails on a corrupted deprecation version under rules/deprecations/', () => {
    const file = 'deprecations/numpy.yaml';
    const text = readFileSync(join(repoRoot, 'rules', file), 'utf8');
    const removed = /removed: "?([0-9.]+)"?/.exec(text)!;
    const { root, line } = corruptedCopy(file, removed[0], 'removed: "two"');
    expect(compileError(root)).toContain(`rules/${file}:${line}:`);
  });

  it('accepts the real rules/ and compiles it', () => {
    const root = mkdtempSync(join(tmpdir(), 'pinwise-kb-meaning-'));
    scratch.push(root);
    cpSync(join(repoRoot, 'rules'), join(root, 'rules'), { recursive: true });
    mkdirSync(join(root, 'dist'));
    expect(compileError(root)).toBe('');
    for (const { key, text } of yamlKeys(join(repoRoot, 'rules'))) expect(checkDocumentMeaning(key, text), key).toEqual([]);
  });

  it('knows what every string field of rules/ means (a new field must be classified in kb/meaning.ts)', () => {
    for (const { key, text } of yamlKeys(join(repoRoot, 'rules'))) expect(unclassifiedFields(key, text), key).toEqual([]);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(checkDocumentMeaning('requires', 'requirements:\n  - package: [x\n')[0]?.line).toBeGreaterThan(1);
  });
});

describe('every checked field of every rules/ file fails the build when corrupted', () => {
  // One invalid value per meaning; written as a double-quoted YAML scalar, valid in block and flow context.
  const invalid: Record<Exclude<FieldMeaning, 'text'>, string> = {
    version: 'not-a-version',
    'python-minor': '3.x',
    specifier: '>=1.0;<2',
    marker: 'os_name = "nt"',
    url: 'htps//example',
    'url-template': 'https://example.org/{name}',
    date: '2026-13-45',
    regex: '(unclosed',
  };

  it('names the file and line of the first value of each checked field, in one build of a copy with all of them corrupted', () => {
    const root = mkdtempSync(join(tmpdir(), 'pinwise-kb-meaning-'));
    scratch.push(root);
    cpSync(join(repoRoot, 'rules'), join(root, 'rules'), { recursive: true });
    mkdirSync(join(root, 'dist'));
    const expected: string[] = [];
    const exercised = new Set<string>();
    for (const { key, text } of yamlKeys(join(repoRoot, 'rules'))) {
      const kind = documentKind(key);
      const table = fieldMeanings[kind] ?? {};
      const firsts = new Map<string, { start: number; end: number; meaning: Exclude<FieldMeaning, 'text'> }>();
      const walk = (node: Node | null, path: string[]) => {
        if (isMap(node)) for (const pair of node.items) walk(pair.value as Node | null, [...path, String(isScalar(pair.key) ? pair.key.value : pair.key)]);
        else if (isSeq(node)) node.items.forEach((item) => walk(item as Node | null, [...path, '*']));
        else if (isScalar(node) && typeof node.value === 'string' && node.range) {
          const pattern = Object.keys(table).find((p) => p.split('/').length === path.length && p.split('/').every((part, i) => part === '*' || part === path[i]));
          const meaning = pattern ? table[pattern] : undefined;
          if (pattern && meaning && meaning !== 'text' && !firsts.has(pattern)) firsts.set(pattern, { start: node.range[0], end: node.range[1], meaning });
        }
      };
      walk(parseDocument(text).contents as Node | null, []);
      let corrupted = text;
      for (const { start, end, meaning } of [...firsts.values()].sort((a, b) => b.start - a.start)) {
        corrupted = corrupted.slice(0, start) + JSON.stringify(invalid[meaning]) + corrupted.slice(end);
        expected.push(`rules/${key}.yaml:${text.slice(0, start).split('\n').length}:`);
      }
      for (const pattern of firsts.keys()) exercised.add(`${kind}:${pattern}`);
      writeFileSync(join(root, 'rules', `${key}.yaml`), corrupted);
    }
    const message = compileError(root);
    for (const place of expected) expect(message, place).toContain(place);
    // Every checked field the tables classify is present in the data, so none goes untested here.
    const classified = Object.entries(fieldMeanings).flatMap(([kind, table]) => Object.entries(table).filter(([, m]) => m !== 'text').map(([p]) => `${kind}:${p}`));
    expect(classified.filter((f) => !exercised.has(f))).toEqual([]);
    expect(expected.length).toBeGreaterThan(60);
  });
});
