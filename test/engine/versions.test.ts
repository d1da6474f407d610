import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bestMatch,
  compareVersions,
  filterVersions,
  isValidSpecifier,
  isValidVersion,
  localTag,
  normalizeVersion,
  parseSpecifierSet,
  pinnedVersion,
  publicVersion,
  releaseParts,
  satisfies,
  specifierError,
} from '../../server/src/engine/versions';

describe('versions', () => {
  it('parses and normalises PEP 440 versions, including ML wheel locals', () => {
    expect(isValidVersion('2.1.2+cu118')).toBe(true);
    expect(isValidVersion(' 1.0 ')).toBe(true);
    expect(isValidVersion('1.0+')).toBe(false);
    expect(isValidVersion('latest')).toBe(false);
    expect(normalizeVersion('0.0.22post7')).toBe('0.0.22.post7');
    expect(normalizeVersion('V1.0-1+Ubuntu-1')).toBe('1.0.post1+ubuntu.1');
    expect(normalizeVersion('1.0.dev')).toBe('1.0.dev0');
  });

  it('extracts local tags, public versions and release parts', () => {
    expect(localTag('2.1.2+cu118')).toBe('cu118');
    expect(localTag('2.3.1+rocm6.0')).toBe('rocm6.0');
    expect(localTag('2.1.2')).toBeNull();
    expect(localTag('not a version')).toBeNull();
    expect(publicVersion('2.1.2+cu118')).toBe('2.1.2');
    expect(publicVersion('1!2.0rc1+x')).toBe('1!2.0rc1');
    expect(releaseParts('2.1.2+cu118')).toEqual([2, 1, 2]);
    expect(releaseParts('junk')).toEqual([]);
  });

  it('orders versions the PEP 440 way and never throws on junk', () => {
    const sorted = ['1.0', '1.0.post1', '1.0a1', '1.0.dev0', '0.9', '1.0+cu118', 'junk'].sort(compareVersions);
    expect(sorted).toEqual(['junk', '0.9', '1.0.dev0', '1.0a1', '1.0', '1.0+cu118', '1.0.post1']);
    expect(compareVersions('1.0.0', '1.0')).toBe(0);
    expect(compareVersions('1.24.3', '1.24.10')).toBe(-1);
  });
});

describe('satisfies', () => {
  it('ignores a candidate local label unless the clause names one', () => {
    expect(satisfies('2.1.2+cu118', '==2.1.2')).toBe(true);
    expect(satisfies('2.1.2', '==2.1.2+cu118')).toBe(false);
    expect(satisfies('2.1.2+cu121', '==2.1.2+cu118')).toBe(false);
    expect(satisfies('2.1.2+cu118', '==2.1.2+cu118')).toBe(true);
    expect(satisfies('2.7.1+cu128', '>=2.7.0,<3.0')).toBe(true);
    expect(satisfies('1.0+local', '!=1.0')).toBe(false);
  });

  it('handles wildcards, ~=, ===, != and the </> exclusions', () => {
    expect(satisfies('2.1.5', '==2.1.*')).toBe(true);
    expect(satisfies('2.10.0', '==2.1.*')).toBe(false);
    expect(satisfies('2', '==2.0.*')).toBe(true);
    expect(satisfies('2.8.0.dev20250401', '==2.8.0.*')).toBe(true);
    expect(satisfies('2.2.9', '~=2.2')).toBe(true);
    expect(satisfies('3.0', '~=2.2')).toBe(false);
    expect(satisfies('1.4.9', '~=1.4.5')).toBe(true);
    expect(satisfies('1.5.0', '~=1.4.5')).toBe(false);
    expect(satisfies('foobar', '===foobar')).toBe(true);
    expect(satisfies('1.0.0', '===1.0')).toBe(false);
    expect(satisfies('2.0rc1', '<2.0')).toBe(false);
    expect(satisfies('1.0.post1', '>1.0')).toBe(false);
    expect(satisfies('1.0.1', '>1.0')).toBe(true);
    expect(satisfies('0.0.22post7', '==0.0.22.post7')).toBe(true);
  });

  it('applies an explicit pre-release refusal', () => {
    expect(satisfies('2.1.0rc1', '>=2.0')).toBe(true);
    expect(satisfies('2.1.0rc1', '>=2.0', { prereleases: false })).toBe(false);
  });

  it('matches nothing for an invalid specifier or version', () => {
    expect(satisfies('1.0', '>=1.0+local')).toBe(false);
    expect(satisfies('not a version', '>=1.0')).toBe(false);
    expect(satisfies('1.0', 'garbage')).toBe(false);
  });
});

describe('specifier validity and messages', () => {
  it.each([
    ['>=1.0+abc', 'Local version label can only be used with `==` or `!=` operators'],
    ['>=2.1.*', '.* suffix can only be used with `==` or `!=` operators'],
    ['==2.0a1.*', '.* suffix cannot be used with pre-release, post-release, dev or local versions'],
    ['=2.1.2', "'=' is not a valid operator; did you mean '=='?"],
    ['=>2.1', "'=>' is not a valid operator; did you mean '>='?"],
    ['~=1', 'The `~=` operator needs a version with at least two release segments (e.g. `~=1.0`, not `~=1`)'],
    ['2.0', "Missing operator before '2.0'; did you mean '==2.0'?"],
    ['>=1,lolwat', "Invalid specifier: 'lolwat'"],
  ])('%s → %s', (spec, message) => {
    expect(isValidSpecifier(spec)).toBe(false);
    expect(specifierError(spec)).toBe(message);
  });

  it('accepts valid sets, with spaces and empty pieces, and reports clause offsets', () => {
    expect(specifierError('')).toBeNull();
    expect(specifierError('>= 1.0 , < 2.0')).toBeNull();
    const parsed = parseSpecifierSet('>= 1.0 , < 2.0');
    expect(parsed.ok && parsed.clauses.map((c) => [c.operator, c.version, c.start, c.end, c.versionStart])).toEqual([
      ['>=', '1.0', 0, 6, 3],
      ['<', '2.0', 9, 14, 11],
    ]);
  });
});

describe('pinnedVersion, filterVersions, bestMatch', () => {
  it('finds the one pinned version', () => {
    expect(pinnedVersion('==2.1.2+cu118')).toBe('2.1.2+cu118');
    expect(pinnedVersion([{ operator: '==', version: '2.1.2' }])).toBe('2.1.2');
    expect(pinnedVersion('===1.0-custom')).toBe('1.0-custom');
    expect(pinnedVersion('==2.1.*')).toBeNull();
    expect(pinnedVersion('>=2.1')).toBeNull();
    expect(pinnedVersion('==2.1,!=2.1.1')).toBeNull();
    expect(pinnedVersion('')).toBeNull();
  });

  it('prefers final releases unless only pre-releases match or one is named', () => {
    expect(bestMatch(['1.9', '2.0', '2.1.0rc1'], '>=1.9')).toBe('2.0');
    expect(bestMatch(['1.9', '2.1.0rc1'], '>=2.0')).toBe('2.1.0rc1');
    expect(bestMatch(['2.0', '2.1.0rc1'], '>=2.1.0rc1')).toBe('2.1.0rc1');
    expect(bestMatch(['2.0', '2.1.0rc1'], '>=1', { prereleases: true })).toBe('2.1.0rc1');
    expect(bestMatch(['1.0'], '>=2')).toBeNull();
    expect(filterVersions(['1.2', '1.3', '1.5a1'], '>=1.2.3')).toEqual(['1.3']);
    expect(bestMatch(['1.26.4', '2.0.0', '1.24.3'], '<2')).toBe('1.26.4');
  });
});

describe('robustness', () => {
  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (a, b) => {
        isValidVersion(a);
        compareVersions(a, b);
        specifierError(a);
        satisfies(a, b);
        pinnedVersion(b);
        bestMatch([a, b], b);
      }),
      { numRuns: 500 },
    );
  });

  it('handles huge specifiers', () => {
    expect(isValidSpecifier('==' + '1.'.repeat(50_000) + '0')).toBe(true);
    expect(isValidSpecifier('>=1,'.repeat(20_000))).toBe(true);
    expect(satisfies('1.0', '>=1,'.repeat(20_000))).toBe(true);
  });
});
