import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeName, parsePep508, type Pep508Requirement } from '../../server/src/engine/parsers/pep508';

function ok(text: string, offset = 0): Pep508Requirement {
  const r = parsePep508(text, offset);
  if (!r.ok) throw new Error(`unexpected error: ${r.message}`);
  return r.requirement;
}

/** The file text a span covers, for a requirement that starts at `offset` in `file`. */
const cut = (file: string, span: { start: number; end: number } | null) => (span ? file.slice(span.start, span.end) : null);

describe('parsePep508: valid requirements with file-relative spans', () => {
  it('gives every part and its span', () => {
    const file = '# ünïcödé comment\ntorch[cuda, extra2] (>= 2.1 , <2.3) ; python_version >= "3.9"  \n';
    const offset = file.indexOf('torch');
    const line = file.slice(offset, file.indexOf('\n', offset));
    const q = ok(line, offset);
    expect(q.name).toBe('torch');
    expect(cut(file, q.nameSpan)).toBe('torch');
    expect(q.extras).toEqual(['cuda', 'extra2']);
    expect(q.extraSpans.map((s) => cut(file, s))).toEqual(['cuda', 'extra2']);
    expect(cut(file, q.extrasSpan)).toBe('[cuda, extra2]');
    expect(q.specifier).toBe('>=2.1,<2.3');
    expect(cut(file, q.specifierSpan)).toBe('>= 2.1 , <2.3');
    expect(q.clauses.map((c) => [c.operator, c.version, cut(file, c.span), cut(file, c.versionSpan)])).toEqual([
      ['>=', '2.1', '>= 2.1', '2.1'],
      ['<', '2.3', '<2.3', '2.3'],
    ]);
    expect(q.marker).toBe('python_version >= "3.9"');
    expect(cut(file, q.markerSpan)).toBe('python_version >= "3.9"');
    expect(q.markerNormalized).toBe('python_version >= "3.9"');
    expect(q.url).toBeNull();
  });

  it('parses local-version pins, wildcards and arbitrary equality', () => {
    const q = ok('torch==2.1.2+cu118');
    expect(q.clauses).toEqual([{ operator: '==', version: '2.1.2+cu118', span: { start: 5, end: 18 }, versionSpan: { start: 7, end: 18 } }]);
    expect(ok('torch == 2.8.0.*').specifier).toBe('==2.8.0.*');
    expect(ok('xformers==0.0.22post7').clauses[0]!.version).toBe('0.0.22post7');
    expect(ok('pkg===1.0-custom').clauses[0]).toMatchObject({ operator: '===', version: '1.0-custom' });
  });

  it('parses name @ url ; marker', () => {
    const line = "torch @ https://download.pytorch.org/whl/cu128/torch-2.9.0%2Bcu128-cp313-cp313-win_amd64.whl ; platform_system == 'Windows'";
    const q = ok(line, 7);
    expect(q.url).toBe('https://download.pytorch.org/whl/cu128/torch-2.9.0%2Bcu128-cp313-cp313-win_amd64.whl');
    expect(q.urlSpan).toEqual({ start: 7 + line.indexOf('https'), end: 7 + line.indexOf(' ;') });
    expect(q.marker).toBe("platform_system == 'Windows'");
    expect(q.markerNormalized).toBe('platform_system == "Windows"');
    expect(q.specifier).toBe('');
    expect(q.specifierSpan).toBeNull();
  });

  it('accepts empty extras and parentheses, trailing whitespace and a trailing comma', () => {
    expect(ok('name[]').extras).toEqual([]);
    expect(ok('name()').specifier).toBe('');
    expect(ok('cmake>=3.22.3    ').specifier).toBe('>=3.22.3');
    expect(ok('torch>=2.0,').specifier).toBe('>=2.0');
  });
});

describe('parsePep508: errors name the problem where it is', () => {
  it.each([
    ['torch=2.1.2', "'=' is not a valid operator; did you mean '=='?", '='],
    ['torch =>2.1', "'=>' is not a valid operator; did you mean '>='?", '=>'],
    ['torch (=<2.1)', "'=<' is not a valid operator; did you mean '<='?", '=<'],
    ['torch>=2.0,=2.1', "'=' is not a valid operator; did you mean '=='?", '='],
    ['torch~=2', 'The `~=` operator needs a version with at least two release segments (e.g. `~=1.0`, not `~=1`)', '~=2'],
    ['torchvision>=0.20.0+cu126', 'Local version label can only be used with `==` or `!=` operators', '>=0.20.0+cu126'],
    ['black (>=20.*)', '.* suffix can only be used with `==` or `!=` operators', '>=20.*'],
    ['name==1.2.3.post4.*', '.* suffix cannot be used with pre-release, post-release, dev or local versions', '==1.2.3.post4.*'],
    ['fsspec>=2023.6.0 # <= 2023.9.1', 'Expected comma (within version specifier), semicolon (after version specifier) or end', '#'],
    ['name 1.0', 'Expected semicolon (after name with no version specifier) or end', '1.0'],
    ['name==', 'Expected semicolon (after name with no version specifier) or end', '=='],
    ['==0.0', 'Expected package name at the start of dependency specifier', '==0.0'],
    ['name[bar baz]', 'Expected comma between extra names', 'baz]'],
    ['name[bar, baz', 'Expected matching RIGHT_BRACKET for LEFT_BRACKET, after extras', '[bar, baz'],
    ['name (>= 1.0', 'Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier', '(>= 1.0'],
    ["name @ https://example.com/; extra == 'x'", 'Expected semicolon (after URL and whitespace) or end', 'extra'],
    ['name; os_name == "C:\\"', 'Invalid quoted string', '"C:\\"'],
    ["name; '3.7' ~ python_version", 'Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in', '~'],
    ['demo===x,y', "Invalid specifier: 'y'", '===x,y'],
    ['name>=1\n', 'Expected comma (within version specifier), semicolon (after version specifier) or end', '\n'],
  ])('%j → %s', (text, message, highlighted) => {
    const offset = 40;
    const r = parsePep508(text, offset);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toBe(message);
    expect(text.slice(r.span.start - offset, r.span.end - offset)).toBe(highlighted);
  });

  it('reports an empty span at the end of the text when something is missing there', () => {
    expect(parsePep508('', 5)).toEqual({ ok: false, message: 'Expected package name at the start of dependency specifier', span: { start: 5, end: 5 } });
    expect(parsePep508('name @ ', 0)).toEqual({ ok: false, message: 'Expected URL after @', span: { start: 7, end: 7 } });
  });
});

describe('parsePep508: robustness', () => {
  it('never throws and keeps spans inside the text', () => {
    const alphabet = fc.constantFrom(...'ab1.=<>!~*+;,@[]() \t"\'\\#\né'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')), fc.string({ maxLength: 30 }), (a, b) => {
        for (const text of [a, b, `torch${a}`, `x; ${a}`]) {
          const r = parsePep508(text, 3);
          const spans = r.ok
            ? [r.requirement.nameSpan, r.requirement.specifierSpan, r.requirement.markerSpan, r.requirement.urlSpan, ...r.requirement.clauses.map((c) => c.span)]
            : [r.span];
          for (const s of spans) {
            if (!s) continue;
            expect(s.start).toBeGreaterThanOrEqual(3);
            expect(s.end).toBeLessThanOrEqual(3 + text.length);
            expect(s.start).toBeLessThanOrEqual(s.end);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('handles huge and binary input', () => {
    expect(parsePep508('a'.repeat(200_000) + '==1').ok).toBe(true);
    expect(parsePep508('a' + '('.repeat(100_000)).ok).toBe(false);
    expect(parsePep508('a;' + '('.repeat(100_000)).ok).toBe(false);
    expect(parsePep508('a==' + '1.'.repeat(100_000)).ok).toBe(false);
    expect(parsePep508('a[' + 'b,'.repeat(100_000)).ok).toBe(false);
    expect(parsePep508('a' + '-'.repeat(100_000)).ok).toBe(false);
    expect(parsePep508('\u0000\uffff\ud800torch').ok).toBe(false);
  });
});

describe('normalizeName', () => {
  it('applies PEP 503', () => {
    expect(normalizeName('Scikit_Learn')).toBe('scikit-learn');
    expect(normalizeName('onnxruntime-gpu')).toBe('onnxruntime-gpu');
    expect(normalizeName('zope..interface')).toBe('zope-interface');
  });
});
