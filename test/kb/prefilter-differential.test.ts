// The byte prefilter reads what every library needs once per text and runs its patterns only where
// they can match; its answers must stay those of the patterns run over the whole text (the reference,
// prefilter-reference.ts). Checked on every .py fixture, on variants of them (other line endings,
// tabs, a BOM, random cuts and insertions) and on snippets built from each knowledge-base entry, for
// every library and each entry subset deprecated-api asks about.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deprecationLibraries, lastName, type CompiledLibrary } from '../../server/src/engine/kb/deprecations';
import { judge } from '../../server/src/engine/rules/support/deprecations';
import { testKnowledgeBase } from '../support/knowledge-base';
import { prefilterSubsets, referencePrefilter } from './prefilter-reference';
import { pythonFiles } from '../../scripts/python-files';

const libraries = deprecationLibraries(testKnowledgeBase());

const fixtureRoot = join(__dirname, '..', 'fixtures');
const fixtures = pythonFiles(fixtureRoot)
  .sort()
  .map((path) => ({ name: path.slice(fixtureRoot.length + 1), text: readFileSync(path, 'utf8') }));

/** Each way a file can reach an entry, as the reference's patterns look for it, with near misses. */
function snippets(library: CompiledLibrary, entry: CompiledLibrary['entries'][number]): string[] {
  const m = library.modules[0]!;
  const name = lastName(entry.symbol).replace(/\*/g, 'X');
  const parent = entry.symbol.replace(/\(\)/g, '').split('.').slice(0, -1).join('.') || m;
  const texts = [
    `import ${m} as al\nal.${name}(1)\n`,
    `import os, ${m}  # c\n${m} . ${name}\n`,
    `import ${m}\nxp = ${m}\nxp.${name}\n`,
    `import ${m}\nxp = ${m} # c\rxp.${name}\r`,
    `from ${parent} import ${name}\n`,
    `from ${parent}\timport (\n  a,\n  ${name} as b,\n)\n`,
    `from ${m}x import (from ${m} import (${name})\n`,
    `from ${m} import (a, from ${parent} import (${name})\n`,
    `\uFEFFimport ${m}\n${m}.${name}\n`,
    `\timport ${m} as al\r\nal\t.\t${name}\r\n`,
    `import ${m} as al\ral.${name}\r`,
    `import\t${m}\u2028al = ${m}\u2028al.${name}\n`,
    `reimport ${m}\n${m}.${name}\n`,
    `import ${m}_x\n${m}_x.${name}\n`,
    `from ${m}_x import ${name}\n`,
    `x.import ${m}; y.${name}\n`,
    `import ${m} as al\nbl.${name}\nal.${name}_x\nal.x${name}\n`,
    `import ${m} as al\nal.x(${entry.keyword ?? name}=1)\n`,
    `import ${m} as al\nal.x(${entry.keyword ?? name} == 1)\n`,
    `import ${m}\n${entry.symbol.replace(/\*/g, 'Y')}\n`,
    `import ${m}\n# ${entry.symbol}\n`,
    `${m}.${name}\n`,
    // A parenthesized import's `[^)]*` runs over another one, which a global search then never sees.
    `from ${m}x import (\nfrom ${m} import (\n${name})\n`,
    // A comment runs on past `\r` (`[^\n]*`), over the lines it hides.
    `import ${m}\nxp = ${m} # c\ryp = xp\ryp.${name}\n`,
    `import ${m} # c\rimport ${m} as yp\nyp.${name}\n`,
    // U+2028 ends a line for `^`.
    `x = 1\u2028import ${m} as al\nal.${name}\n`,
    `import ${m}\nx = 1\u2028al = ${m}\nal.${name}\n`,
    // The name at the very start, the import after it.
    `al.${name}\nimport ${m} as al\n`,
    `${entry.keyword ?? name}=1\nimport ${m}\n`,
  ];
  return texts.flatMap((text) => [text, text.replace(/\n/g, '\r'), text.replace(/ /g, '\t')]);
}

let seed = 7;
const random = (n: number): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};
const inserts = ['\r', '\n', '\r\n', '\t', ' ', '#', ';', '(', ')', '.', '=', ',', 'import ', 'from ', ' as ', '\uFEFF', '\u2028', 'x', 'é'];
/** Other spellings of a text, and some broken ones. */
function variants(text: string): string[] {
  const out = [text, text.replace(/\n/g, '\r\n'), text.replace(/\n/g, '\r'), text.replace(/ {4}/g, '\t'), text.replace(/ /g, '  '), `\uFEFF${text}`];
  for (let k = 0; k < 6 && text.length > 0; k++) {
    const at = random(text.length);
    out.push(k % 3 === 2 ? text.slice(0, at) + text.slice(at + 1 + random(8)) : text.slice(0, at) + inserts[random(inserts.length)] + text.slice(at));
  }
  return out;
}

const references = new WeakMap<readonly object[], (text: string) => boolean>();

/** The texts on which the prefilter and the reference disagree, for each subset of each library. */
function disagreements(library: CompiledLibrary, texts: readonly string[], subsets: ReturnType<typeof prefilterSubsets<CompiledLibrary['entries'][number]>>): string[] {
  const out: string[] = [];
  for (const { name, entries } of subsets) {
    let reference = references.get(entries);
    if (!reference) references.set(entries, (reference = referencePrefilter(library.modules, entries)));
    const prefilter = library.prefilter(entries);
    for (const text of texts) {
      const want = reference(text);
      if (prefilter(text) !== want) out.push(`${library.library} ${name}: ${want ? 'lost' : 'extra'} on ${JSON.stringify(text.slice(0, 120))}`);
    }
  }
  return out;
}

const applies = (entry: CompiledLibrary['entries'][number], versions: string[]): boolean => judge(entry, versions) !== null;

describe('byte prefilter: the answers of the whole-text patterns', () => {
  const fixtureTexts = fixtures.flatMap((f) => variants(f.text));
  it('has fixtures and snippets to compare on, and passes files with findings', () => {
    expect(fixtures.length).toBeGreaterThan(20);
    const numpy = libraries.find((l) => l.key === 'deprecations/numpy')!;
    const passed = fixtureTexts.filter((text) => numpy.prefilter(numpy.entries)(text));
    expect(passed.length).toBeGreaterThan(10);
  });

  for (const library of libraries) {
    it(`${library.library}: on the fixtures, for every entry subset`, () => {
      // Each text as the rule asks: the libraries' prefilters in a row over one text, here all subsets.
      expect(disagreements(library, fixtureTexts, prefilterSubsets(library, applies).filter((s) => !s.name.startsWith('entry ')))).toEqual([]);
      expect(disagreements(library, fixtures.map((f) => f.text), prefilterSubsets(library, applies))).toEqual([]);
    });
    it(`${library.library}: on snippets of each entry and their variants`, () => {
      const subsets = prefilterSubsets(library, applies);
      const shared = subsets.filter((s) => !s.name.startsWith('entry '));
      const out = library.entries.flatMap((entry, i) => {
        const texts = snippets(library, entry);
        return disagreements(library, texts, [...shared, subsets.find((s) => s.name.startsWith(`entry ${i} `))!]);
      });
      expect(out).toEqual([]);
    });
  }

  it('asks every library about one text in a row, as the rule does', () => {
    // The shared per-text reading must follow the text: alternate two texts between libraries.
    const a = 'import numpy as np\nnp.float_(1)\n';
    const b = 'import pandas as pd\npd.np.float_(1)\n';
    const numpy = libraries.find((l) => l.key === 'deprecations/numpy')!;
    const pandas = libraries.find((l) => l.key === 'deprecations/pandas')!;
    const n = numpy.prefilter(numpy.entries);
    const p = pandas.prefilter(pandas.entries);
    const rn = referencePrefilter(numpy.modules, numpy.entries);
    const rp = referencePrefilter(pandas.modules, pandas.entries);
    for (const [f, r, text] of [[n, rn, a], [p, rp, a], [n, rn, b], [p, rp, b], [n, rn, a], [n, rn, b], [p, rp, a]] as const) expect(f(text), text).toBe(r(text));
    expect(n(a)).toBe(true);
    expect(n(b)).toBe(false);
  });
});
