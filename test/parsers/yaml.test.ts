import fc from 'fast-check';
import { isScalar, isSeq, stringify, type Scalar } from 'yaml';
import { describe, expect, it } from 'vitest';
import { mapEntries, mapValue, parseYaml, scalarString, scalarText, seqItems, YamlBudget } from '../../server/src/engine/parsers/yaml';

/** Every scalar of the first document's `items` sequence, decoded with its offsets. */
function items(text: string) {
  const file = parseYaml(text);
  const doc = file.documents[0]!;
  return seqItems(mapValue(doc.contents, 'items', doc, file.budget)?.value, doc, file.budget).map((node) => {
    const mapped = scalarText(node as Scalar, text);
    return { mapped, pieces: mapped.text.split('').map((_, i) => text.slice(mapped.starts[i], mapped.ends[i])) };
  });
}

describe('scalarText: each decoded character maps to where it was written', () => {
  it('plain, quoted, escaped, folded and block scalars', () => {
    const text = [
      'items:',
      '  - torch==2.1.2  # a comment',
      '  - "numpy\\u00e9>=1.2"',
      "  - 'it''s'",
      '  - plain',
      '    folded',
      '  - |',
      '    pip install a',
      '      pip install b',
      '  - >-',
      '    one',
      '    two',
      '',
      '    three',
      '  - "a \\',
      '     b"',
      '  - café==1.0',
      '',
    ].join('\n');
    const got = items(text);
    expect(got.map((g) => g.mapped.text)).toEqual(['torch==2.1.2', 'numpyé>=1.2', "it's", 'plain folded', 'pip install a\n  pip install b\n', 'one two\nthree', 'a b', 'café==1.0']);
    // Ordinary characters map to themselves; escapes to their escape; folds to the line break.
    expect(got[0]!.pieces.join('')).toBe('torch==2.1.2');
    expect(got[1]!.pieces[5]).toBe('\\u00e9');
    expect(got[2]!.pieces[2]).toBe("''");
    expect(got[3]!.pieces[5]).toBe('\n    ');
    expect(got[4]!.pieces.slice(0, 13).join('')).toBe('pip install a');
    expect(got[7]!.mapped.whole).toEqual({ start: text.indexOf('café'), end: text.indexOf('café') + 'café==1.0'.length });
  });

  it('numbers read as written: python_version 3.10 is not 3.1', () => {
    const text = 'items:\n  - 3.10\n';
    const file = parseYaml(text);
    const doc = file.documents[0]!;
    const [node] = seqItems(mapValue(doc.contents, 'items', doc, file.budget)?.value, doc, file.budget);
    expect(scalarString(node, text)).toBe('3.10');
    expect(scalarText(node as Scalar, text).text).toBe('3.10');
  });

  it('property: any string, in any style the yaml package writes, decodes to its value with in-order offsets', () => {
    const styles = ['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'] as const;
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '"', "'", '\\', 'é', '#', ':', '-', '\t', '=') , maxLength: 30 }), { minLength: 1, maxLength: 4 }), fc.constantFrom(...styles), fc.integer({ min: 20, max: 80 }), (values, style, lineWidth) => {
        const text = stringify({ items: values }, { defaultStringType: style, lineWidth, minContentWidth: 0 });
        const file = parseYaml(text);
        expect(file.problems).toEqual([]);
        const doc = file.documents[0]!;
        const nodes = seqItems(mapValue(doc.contents, 'items', doc, file.budget)?.value, doc, file.budget);
        expect(nodes.length).toBe(values.length);
        for (const node of nodes) {
          if (!isScalar(node)) throw new Error('not a scalar');
          const mapped = scalarText(node, text);
          // The yaml package's own round trip loses some values (a lone space as a block scalar): judge against what it parsed.
          expect(mapped.text).toBe(scalarString(node, text));
          for (let k = 0; k < mapped.text.length; k++) {
            expect(mapped.starts[k]!).toBeLessThanOrEqual(mapped.ends[k]!);
            if (k > 0) expect(mapped.starts[k]!).toBeGreaterThanOrEqual(mapped.starts[k - 1]!);
            expect(mapped.starts[k]!).toBeGreaterThanOrEqual(mapped.whole.start);
            expect(mapped.ends[k]!).toBeLessThanOrEqual(node.range![1]);
          }
          // Not the fallback: a letter maps to exactly itself.
          for (let k = 0; k < mapped.text.length; k++) {
            if (/[ab]/.test(mapped.text[k]!)) expect(text.slice(mapped.starts[k], mapped.ends[k])).toBe(mapped.text[k]);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('parseYaml', () => {
  it('reports syntax errors at their position, never throws', () => {
    const text = 'dependencies:\n\t- numpy\n  - [unclosed\n';
    const file = parseYaml(text);
    expect(file.problems.length).toBeGreaterThan(0);
    expect(file.problems[0]!.message).toMatch(/^Invalid YAML: /);
    expect(file.problems[0]!.line).toBe(2);
  });

  it('follows merge keys and aliases; an alias bomb stops at the budget', () => {
    const text = 'base: &b {a: 1, b: 2}\nchild:\n  <<: *b\n  b: 3\n';
    const file = parseYaml(text);
    const doc = file.documents[0]!;
    const entries = mapEntries(mapValue(doc.contents, 'child', doc, file.budget)?.value, doc, file.budget);
    expect(entries.map((e) => [e.key, scalarString(e.value, text)])).toEqual([['a', '1'], ['b', '3']]);

    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 12; level++) lines.push(`${String.fromCharCode(97 + level)}: &${String.fromCharCode(97 + level)} [${Array(10).fill(`*${String.fromCharCode(96 + level)}`).join(', ')}]`);
    const bomb = lines.join('\n') + '\n';
    const parsed = parseYaml(bomb);
    const d = parsed.documents[0]!;
    const budget = new YamlBudget(10_000);
    let visited = 0;
    const walk = (node: unknown, depth: number): void => {
      for (const item of seqItems(node, d, budget)) {
        visited++;
        if (isSeq(item) && depth < 20) walk(item, depth + 1);
      }
    };
    walk(mapValue(d.contents, 'l', d, budget)?.value, 0);
    expect(budget.exhausted).toBe(true);
    expect(visited).toBeLessThanOrEqual(10_000);
  });
});
