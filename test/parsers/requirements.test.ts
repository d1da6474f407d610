// The requirements-file parser: spans, pip's options and line rules, robustness.
// Cases that need the PEP 508 parser (named requirements) check what this parser
// owns: the span handed over, options, hashes, problems.
import { describe, expect, it } from 'vitest';
import type { Span } from '../../server/src/engine/model';
import { parsePep508 } from '../../server/src/engine/parsers/pep508';
import { parseRequirementsFile } from '../../server/src/engine/parsers/requirements';
import { toParseOutput } from '../../server/src/engine/parse-output';

const havePep508 = parsePep508('a').ok;
const parse = (text: string) => parseRequirementsFile('requirements.txt', text);
const at = (text: string, span: Span | null) => (span ? text.slice(span.start, span.end) : null);

describe('options', () => {
  it('reads index options with `=` or whitespace, exact value spans, comments stripped', () => {
    const text = '-i https://a.example/simple # main\n--extra-index-url=https://b.example\t\t# extra\n--no-index\n--pre\n';
    const parsed = parse(text);
    expect(parsed.options.map((o) => [o.line, o.option, o.value, at(text, o.valueSpan), at(text, o.span)])).toEqual([
      [1, '--index-url', 'https://a.example/simple', 'https://a.example/simple', '-i https://a.example/simple'],
      [2, '--extra-index-url', 'https://b.example', 'https://b.example', '--extra-index-url=https://b.example'],
      [3, '--no-index', null, null, '--no-index'],
      [4, '--pre', null, null, '--pre'],
    ]);
    expect(parsed.comments.map((c) => at(text, c.span))).toEqual(['# main', '# extra']);
    expect(parsed.problems).toEqual([]);
  });

  it('records -r/-c as options and includes with the target span', () => {
    const text = '-r base.txt\n--constraint=constraints.txt\n-r ${REQS_DIR}/more.txt\n';
    const parsed = parse(text);
    expect(parsed.includes.map((i) => [i.line, i.kind, i.target, at(text, i.targetSpan)])).toEqual([
      [1, 'requirement', 'base.txt', 'base.txt'],
      [2, 'constraint', 'constraints.txt', 'constraints.txt'],
      [3, 'requirement', '${REQS_DIR}/more.txt', '${REQS_DIR}/more.txt'],
    ]);
    expect(parsed.options.map((o) => o.option)).toEqual(['--requirement', '--constraint', '--requirement']);
    expect(parsed.envVars.map((v) => [v.name, at(text, v.span)])).toEqual([['REQS_DIR', '${REQS_DIR}']]);
  });

  it('takes every option pip allows in a file, long names, short names and abbreviations', () => {
    const text = [
      '-f ./wheels',
      '--find-links https://download.pytorch.org/whl/torch_stable.html',
      '--prefer-binary',
      '--only-binary :all:',
      '--no-binary=pillow',
      '--trusted-host download.pytorch.org',
      '--use-feature fast-deps',
      '--require-hashes',
      '--extra https://c.example',
      '--pypi-url https://d.example',
      '-ihttps://e.example',
    ].join('\n');
    const parsed = parse(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.options.map((o) => [o.option, o.value])).toEqual([
      ['--find-links', './wheels'],
      ['--find-links', 'https://download.pytorch.org/whl/torch_stable.html'],
      ['--prefer-binary', null],
      ['--only-binary', ':all:'],
      ['--no-binary', 'pillow'],
      ['--trusted-host', 'download.pytorch.org'],
      ['--use-feature', 'fast-deps'],
      ['--require-hashes', null],
      ['--extra-index-url', 'https://c.example'],
      ['--index-url', 'https://d.example'],
      ['--index-url', 'https://e.example'],
    ]);
    expect(at(text, parsed.options[10]!.valueSpan)).toBe('https://e.example');
  });

  it('reports unknown, legacy, ambiguous and incomplete options with optparse wording and a span on the option', () => {
    const text = '--allow-external foo\n-Z\n--no\n--index-url\n--pre=yes\n--install-option="--prefix=/x"\n';
    const parsed = parse(text);
    expect(parsed.problems.map((p) => [p.line, p.message, at(text, p.span)])).toEqual([
      [1, 'no such option: --allow-external', '--allow-external'],
      [2, 'no such option: -Z', '-Z'],
      [3, 'ambiguous option: --no (--no-binary, --no-index?)', '--no'],
      [4, '--index-url option requires 1 argument', '--index-url'],
      [5, '--pre option does not take a value', '--pre=yes'],
      [6, 'no such option: --install-option', '--install-option'],
    ]);
    expect(parsed.options).toEqual([]);
  });

  it('keeps the option but reports trailing arguments pip ignores', () => {
    const text = '--index-url https://x.example/simple SomePackage other\n';
    const parsed = parse(text);
    expect(parsed.options.map((o) => o.value)).toEqual(['https://x.example/simple']);
    expect(parsed.problems.map((p) => [p.message, at(text, p.span)])).toEqual([
      ['Incorrect and ignored trailing argument(s): SomePackage other', 'SomePackage other'],
    ]);
  });

  it('reports what pip silently ignores: a second -r on a line, --hash without a requirement', () => {
    const text = '-r a.txt -r b.txt\n--hash=sha256:abcd\n';
    const parsed = parse(text);
    expect(parsed.includes.map((i) => i.target)).toEqual(['a.txt']);
    expect(parsed.problems.map((p) => [p.line, at(text, p.span)])).toEqual([
      [1, '-r b.txt'],
      [2, '--hash=sha256:abcd'],
    ]);
  });

  it('reports quoting pip cannot split', () => {
    const text = '--index-url "https://x.example\n';
    const parsed = parse(text);
    expect(parsed.problems.map((p) => p.message)).toEqual(['Could not split options: --index-url "https://x.example (No closing quotation)']);
  });

  it('unquotes shell-quoted values the way pip does', () => {
    const text = "--index-url 'https://x.example/a b'\n";
    expect(parse(text).options.map((o) => [o.value, at(text, o.valueSpan)])).toEqual([
      ['https://x.example/a b', "'https://x.example/a b'"],
    ]);
  });
});

describe('URL, path and editable requirements', () => {
  it('names a wheel from its filename (pip: `_` means `-`) and pins its version, percent-decoded', () => {
    const text = 'https://download.pytorch.org/whl/cu118/torch-2.1.0%2Bcu118-cp310-cp310-linux_x86_64.whl\n./dist/my_pkg-1.0-py3-none-any.whl\n';
    const parsed = parse(text);
    expect(parsed.requirements.map((r) => [r.name, r.normalizedName, r.specifier, at(text, r.nameSpan), at(text, r.specifierSpan), at(text, r.urlSpan)])).toEqual([
      ['torch', 'torch', '==2.1.0+cu118', 'torch', '2.1.0%2Bcu118', text.split('\n')[0]],
      ['my-pkg', 'my-pkg', '==1.0', 'my_pkg', '1.0', './dist/my_pkg-1.0-py3-none-any.whl'],
    ]);
  });

  it('leaves sdists and directories unnamed, keeps path extras, rejects bad wheel names', () => {
    const text = './downloads/SomePackage-1.0.4.tar.gz\n.[PDF, EPUB]\nhttps://x.example/not-a-wheel.whl\n';
    const parsed = parse(text);
    expect(parsed.requirements.map((r) => [r.name, r.url, r.extras])).toEqual([
      [null, './downloads/SomePackage-1.0.4.tar.gz', []],
      [null, '.', ['PDF', 'EPUB']],
    ]);
    expect(parsed.problems.map((p) => [p.line, p.message, at(text, p.span)])).toEqual([
      [3, 'not-a-wheel.whl is not a valid wheel filename.', 'not-a-wheel.whl'],
    ]);
  });

  it('splits a URL marker only at `; ` as pip does', () => {
    const text = 'https://x.example/pkg.tar.gz;python_version<"3.8"\n';
    const parsed = parse(text);
    expect(parsed.requirements.map((r) => [r.url, r.marker])).toEqual([['https://x.example/pkg.tar.gz;python_version<"3.8"', null]]);
  });

  it('reads editables: local paths and VCS URLs, and pip errors for the rest', () => {
    const text = [
      '-e .',
      '--editable ./libs/core[gpu]',
      '-e git+https://g.example/x.git',
      '-e https://x.example/pkg.zip',
      '-e git+git@github.com:pypa/pipenv.git#egg=pipenv',
      '-e ../dep#egg=dep',
    ].join('\n');
    const parsed = parse(text);
    expect(parsed.requirements.map((r) => [r.line, r.editable, r.url, r.extras, at(text, r.span)])).toEqual([
      [1, true, '.', [], '.'],
      [2, true, './libs/core', ['gpu'], './libs/core[gpu]'],
    ]);
    expect(parsed.problems.map((p) => [p.line, p.message.split('. ')[0]])).toEqual([
      [3, "Could not detect requirement name for 'git+https://g.example/x.git', please specify one with #egg=your_package_name"],
      [4, 'https://x.example/pkg.zip is not a valid editable requirement'],
      [5, 'git+git@github.com:pypa/pipenv.git#egg=pipenv is not a valid editable requirement'],
      [6, "#egg= works only on URLs: pip reads '../dep#egg=dep' as a local path and looks for a directory or file of exactly that name"],
    ]);
  });

  it.skipIf(!havePep508)('names VCS editables and URLs from #egg=', () => {
    const text = '-e git+https://g.example/x.git@v1#egg=My_Pkg[extra]\ngit+https://g.example/y.git#egg=other&subdirectory=src\n';
    const parsed = parse(text);
    expect(parsed.requirements.map((r) => [r.name, r.normalizedName, r.extras, r.editable, at(text, r.nameSpan)])).toEqual([
      ['My_Pkg', 'my-pkg', ['extra'], true, 'My_Pkg'],
      ['other', 'other', [], false, 'other'],
    ]);
  });

  it('rejects a scheme pip does not install from', () => {
    const text = 'git://g.example/x.git#egg=x\n';
    expect(parse(text).problems.map((p) => at(text, p.span))).toEqual(['git://']);
  });
});

describe('requirement lines', () => {
  it('hands pip the requirement text without per-requirement options or the comment', () => {
    const text = 'https://x.example/a-1.0.tar.gz --hash=sha256:aa --hash sha512:bb -C key=v # note\n';
    const parsed = parse(text);
    expect(parsed.requirements.map((r) => [at(text, r.span), r.hashes])).toEqual([['https://x.example/a-1.0.tar.gz', ['sha256:aa', 'sha512:bb']]]);
    expect(parsed.requirementOptions.map((o) => [o.option, o.value, o.requirementIndex])).toEqual([['--config-settings', 'key=v', 0]]);
    expect(parsed.problems).toEqual([]);
  });

  it('reports bad hashes and index options on a requirement line', () => {
    const text = './a.tar.gz --hash=md5:00\n./b.tar.gz --hash=nocolon\n./c.tar.gz --extra-index-url https://x.example\n';
    const parsed = parse(text);
    expect(parsed.problems.map((p) => [p.line, p.message, at(text, p.span)])).toEqual([
      [1, 'Allowed hash algorithms for --hash are sha256, sha384, sha512.', 'md5:00'],
      [2, 'Arguments to --hash must be a hash name followed by a value, like --hash=sha256:abcde...', 'nocolon'],
      [3, 'pip ignores --extra-index-url on the line of a requirement (only --hash, --config-settings and --global-option apply there); put it on its own line', '--extra-index-url https://x.example'],
    ]);
    expect(parsed.options).toEqual([]);
    expect(parsed.requirements.map((r) => r.url)).toEqual(['./c.tar.gz']);
  });

  it.skipIf(!havePep508)('explains two requirements on one line', () => {
    const text = 'torch==2.1.2+cu118 torchvision==0.16.2+cu118\n';
    const [problem] = parse(text).problems;
    expect(problem!.message).toMatch(/^Invalid requirement: 'torch==2\.1\.2\+cu118 torchvision==0\.16\.2\+cu118': /);
    expect(problem!.message).toMatch(/; pip takes one requirement per line: put each on its own line$/);
    expect(problem!.message).not.toContain('\n');
    expect(at(text, problem!.span)).toBe('torchvision==0.16.2+cu118');
  });

  it.skipIf(!havePep508)('parses PEP 508 requirements with spans, markers and the parse output', () => {
    const text = 'torch[cuda] >=2.1,<2.3 ; python_version >= "3.9"  # gpu\nnumpy==1.26.4 \\\n    --hash=sha256:abc\n';
    const parsed = parse(text);
    const [torch, numpy] = parsed.requirements;
    expect(at(text, torch!.span)).toBe('torch[cuda] >=2.1,<2.3 ; python_version >= "3.9"');
    expect(at(text, torch!.nameSpan)).toBe('torch');
    expect(at(text, torch!.markerSpan)?.trim()).toBe('python_version >= "3.9"');
    expect(numpy!.line).toBe(2);
    expect(toParseOutput(parsed, text).requirements).toEqual([
      { line: 1, name: 'torch', extras: ['cuda'], specifier: '>=2.1,<2.3', marker: 'python_version >= "3.9"', url: null, editable: false, hashes: [] },
      { line: 2, name: 'numpy', extras: [], specifier: '==1.26.4', marker: null, url: null, editable: false, hashes: ['sha256:abc'] },
    ]);
  });
});

describe('lines, encodings and spans', () => {
  it('joins backslash continuations: spans stay in the original text, line is where it starts', () => {
    const text = '# header\n--extra-index-url \\\n  https://x.example/simple\n--find-links=./a\\\\\n';
    const parsed = parse(text);
    expect(parsed.options.map((o) => [o.line, o.value, at(text, o.valueSpan), at(text, o.span)])).toEqual([
      [2, 'https://x.example/simple', 'https://x.example/simple', '--extra-index-url \\\n  https://x.example/simple'],
      [4, './a', './a', '--find-links=./a'],
    ]);
  });

  it('ends a continuation at a comment line, as pip does', () => {
    const text = '--index-url \\\n# comment\nhttps://x.example\n';
    const parsed = parse(text);
    expect(parsed.problems.map((p) => [p.line, p.message])).toContainEqual([1, '--index-url option requires 1 argument']);
  });

  it('keeps `#` inside URLs and drops comments only after whitespace', () => {
    const text = 'https://x.example/a.tar.gz#sha256=00 # pinned\n';
    const parsed = parse(text);
    expect(parsed.requirements.map((r) => r.url)).toEqual(['https://x.example/a.tar.gz#sha256=00']);
    expect(parsed.comments.map((c) => at(text, c.span))).toEqual(['# pinned']);
  });

  it('handles CRLF, a BOM and non-ASCII text with UTF-16 offsets', () => {
    const text = '\uFEFF# Abhängigkeiten für 🤖\r\n--index-url https://ü.example/simple\r\n-r dépendances.txt\r\n';
    const parsed = parse(text);
    expect(parsed.options.map((o) => [o.line, at(text, o.valueSpan)])).toEqual([
      [2, 'https://ü.example/simple'],
      [3, 'dépendances.txt'],
    ]);
    // BOM 1 + comment 23 (the emoji is two UTF-16 units) + CRLF 2 + `--index-url ` 12 = 38.
    expect(parsed.options[0]!.valueSpan).toEqual({ start: 38, end: 62 });
    expect(parsed.comments.map((c) => at(text, c.span))).toEqual(['# Abhängigkeiten für 🤖']);
  });

  it('handles lone CR line ends', () => {
    const text = '--pre\r-f ./w\r';
    expect(parse(text).options.map((o) => [o.line, o.option])).toEqual([
      [1, '--pre'],
      [2, '--find-links'],
    ]);
  });

  it('ignores blank and whitespace-only lines', () => {
    expect(toParseOutput(parse('\n    \n\t\n'), '')).toEqual({ requirements: [], options: [], invalid: [] });
  });
});

describe('robustness', () => {
  it('never throws and keeps spans inside the text on hostile input', () => {
    const samples = [
      '\\',
      '\\\\\n\\',
      '-',
      '--',
      '-- foo',
      '"',
      "'",
      '-e',
      '-e ""',
      '--hash',
      '${',
      '${}',
      ';',
      '@',
      'a @',
      '.whl',
      '-r',
      '\u0000\u0001\uFFFF\uD800',
      '#egg=',
      'https://',
      '-i \\\n',
      '\r\n\r\n\\\r\n',
      '-e [x]',
    ];
    for (const text of samples) {
      const parsed = parse(text);
      for (const span of [...parsed.problems.map((p) => p.span), ...parsed.options.map((o) => o.span), ...parsed.requirements.map((r) => r.span)]) {
        expect(span.start, JSON.stringify(text)).toBeGreaterThanOrEqual(0);
        expect(span.end, JSON.stringify(text)).toBeLessThanOrEqual(text.length);
      }
    }
  });

  it('stays linear on a 10 MB line and on 100k lines', () => {
    const long = `--index-url ${'a'.repeat(10_000_000)}`;
    expect(parse(long).options[0]!.value!.length).toBe(10_000_000);
    const spaces = `x${' '.repeat(5_000_000)}-`;
    expect(() => parse(spaces)).not.toThrow();
    const many = Array.from({ length: 100_000 }, (_, i) => (i % 2 ? `--find-links ./w${i}` : `./p${i}.tar.gz \\`)).join('\n');
    expect(parse(many).problems.length).toBeGreaterThan(0);
    const continued = '-f \\\n'.repeat(50_000) + 'x';
    expect(() => parse(continued)).not.toThrow();
  });
});
