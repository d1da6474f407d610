import { describe, expect, it } from 'vitest';
import { deprecationLibraries } from '../../server/src/engine/kb/deprecations';
import { compareVersions } from '../../server/src/engine/versions';
import { kb } from '../support/analyze';

describe('rules/deprecations/*.yaml', () => {
  const libraries = deprecationLibraries(kb);
  it('loads every library', () => {
    expect(libraries.map((l) => l.key).sort()).toEqual(['deprecations/numpy', 'deprecations/pillow']);
  });
  for (const library of libraries) {
    it(`${library.key}: each entry is dated, ordered, sourced and fixable only with a target`, () => {
      const sorted = [...library.versions].sort(compareVersions);
      expect(library.versions).toEqual(sorted);
      for (const e of library.entries) {
        expect(e.deprecated ?? e.removed, e.symbol).toBeTruthy();
        if (e.deprecated && e.removed) expect(compareVersions(e.deprecated, e.removed), e.symbol).toBeLessThan(0);
        if (e.restored) expect(compareVersions(e.removed!, e.restored), e.symbol).toBeLessThan(0);
        expect(e.source).toMatch(/^https:\/\//);
        if (e.replacement.kind !== 'manual') expect(e.replacement.to, e.symbol).toBeTruthy();
        if (e.kind === 'keyword') expect(e.keyword, e.symbol).toBeTruthy();
        expect(library.modules).toContain(e.symbol.split(/[.(]/)[0]);
      }
    });
  }
  it('NumPy: the 1.24 aliases, bool back in 2.0 (facts README: not removed in 1.25)', () => {
    const numpy = libraries.find((l) => l.key === 'deprecations/numpy')!;
    const float = numpy.entries.find((e) => e.symbol === 'numpy.float')!;
    expect([float.deprecated, float.removed]).toEqual(['1.20.0', '1.24.0']);
    expect(numpy.entries.find((e) => e.symbol === 'numpy.bool')!.restored).toBe('2.0.0');
  });
});
