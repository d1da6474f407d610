import { beforeAll, describe, expect, it } from 'vitest';
import { analyze, applyEdits, defaultSettings, fixAll, type Finding, type Requirement } from '../../server/src/engine';
import { parseRequirementsFile } from '../../server/src/engine/parsers/requirements';
import { buildProject } from '../../server/src/engine/project';
import { deprecatedApi } from '../../server/src/engine/rules/deprecated-api';
import type { Report } from '../../server/src/engine/rules/types';
import { parseSpecifierSet } from '../../server/src/engine/versions';
import type { Grammars } from '../../server/src/engine/grammars';
import { loadGrammars } from '../../server/src/host/grammars';
import { kb } from '../support/analyze';

let grammars: Grammars;
beforeAll(async () => {
  grammars = await loadGrammars();
});

// Until the PEP 508 parser lands, requirements files parse to nothing: judge through the rule
// with environments built from the pins written here, and run the end-to-end path when it can.
const pep508Ready = parseRequirementsFile('r.txt', 'a==1\n').requirements.length > 0;

function pins(path: string, text: string): Requirement[] {
  return text.split('\n').filter(Boolean).map((line, i) => {
    const m = /^([A-Za-z0-9._-]+)(.*)$/.exec(line.trim())!;
    const specifier = m[2]!.replace(/\s+/g, '');
    const parsed = parseSpecifierSet(specifier);
    const clauses = parsed.ok ? parsed.clauses.map((c) => ({ operator: c.operator, version: c.version, span: { start: 0, end: 0 }, versionSpan: { start: 0, end: 0 } })) : [];
    return {
      file: path, line: i + 1, span: { start: 0, end: 0 }, name: m[1]!, nameSpan: null,
      normalizedName: m[1]!.toLowerCase().replace(/[-_.]+/g, '-'), extras: [], specifier, specifierSpan: null,
      clauses, marker: null, markerSpan: null, url: null, urlSpan: null, editable: false, hashes: [],
      isConstraint: false, origin: { section: 'requirements' },
    } as Requirement;
  });
}

function runRule(files: Record<string, string>): (Finding & { text: string })[] {
  const input = Object.entries(files).map(([path, text]) => ({ path, text }));
  const project = buildProject({ files: input, grammars });
  project.environments = Object.entries(files)
    .filter(([path]) => /requirements\.txt$/.test(path))
    .map(([path, text]) => ({ id: path, label: path, rootFile: path, files: [path], requirements: pins(path, text), constraints: [], options: [] }));
  const reports: Report[] = [];
  deprecatedApi.check({ project, kb, settings: defaultSettings(), report: (r) => reports.push(r) });
  return reports
    .filter((r) => !/#\s*pinwise:\s*ignore/.test(files[r.file]!.slice(r.span.start).split('\n')[0]!))
    .map((r) => ({ ruleId: 'deprecated-api', level: r.level!, message: r.message, file: r.file, span: r.span, related: [], fixes: r.fixes ?? [], deprecated: r.deprecated, text: files[r.file]!.slice(r.span.start, r.span.end) }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.span.start - b.span.start));
}

function fixRule(files: Record<string, string>): Record<string, string> {
  const out = { ...files };
  const byFile = new Map<string, Finding['fixes'][number]['edits']>();
  for (const f of runRule(files)) {
    const safe = f.fixes.find((x) => x.safe);
    if (safe) byFile.set(f.file, [...(byFile.get(f.file) ?? []), ...safe.edits]);
  }
  for (const [file, edits] of byFile) out[file] = applyEdits(files[file]!, edits).text;
  return out;
}

function run(files: Record<string, string>): (Finding & { text: string })[] {
  if (!pep508Ready) return runRule(files);
  const input = Object.entries(files).map(([path, text]) => ({ path, text }));
  return analyze({ files: input, settings: defaultSettings({ select: ['deprecated-api'] }), kb, grammars })
    .findings.map((f) => ({ ...f, text: files[f.file]!.slice(f.span.start, f.span.end) }));
}

function fix(files: Record<string, string>): Record<string, string> {
  if (!pep508Ready) return fixRule(files);
  const input = Object.entries(files).map(([path, text]) => ({ path, text }));
  const { changed } = fixAll({ files: input, settings: defaultSettings({ select: ['deprecated-api'] }), kb, grammars });
  return { ...files, ...Object.fromEntries(changed) };
}

describe('deprecated-api: NumPy', () => {
  it('flags a removed alias as an error naming the pin, and fixes it', () => {
    const files = { 'requirements.txt': 'numpy==1.26.4\n', 'app.py': '# é\nimport numpy as np\nx = np.float(3)\ny = "np.float"  # np.float\n' };
    const findings = run(files);
    expect(findings.map((f) => [f.text, f.level])).toEqual([['np.float', 'error']]);
    expect(findings[0]!.message).toBe('`np.float` was removed in NumPy 1.24 (this project pins numpy==1.26.4). Use `float`.');
    expect(findings[0]!.deprecated).toBe(true);
    expect(fix(files)['app.py']).toBe('# é\nimport numpy as np\nx = float(3)\ny = "np.float"  # np.float\n');
  });

  it('says nothing where the pinned version still has the name', () => {
    expect(run({ 'requirements.txt': 'numpy==1.19.5\n', 'a.py': 'import numpy\nnumpy.float(1)\n' })).toEqual([]);
    expect(run({ 'requirements.txt': 'numpy==2.1.0\n', 'a.py': 'import numpy as np\nnp.bool_(1) ; np.bool(1)\n' })).toEqual([]);
  });

  it('np.bool: error on 1.24-1.26, a warning naming the versions for a range that spans 2.0', () => {
    const error = run({ 'requirements.txt': 'numpy==1.24.3\n', 'a.py': 'import numpy as np\nnp.bool\n' });
    expect(error.map((f) => f.level)).toEqual(['error']);
    const warning = run({ 'requirements.txt': 'numpy>=1.22\n', 'a.py': 'import numpy as np\nnp.bool\n' });
    expect(warning.map((f) => f.level)).toEqual(['warning']);
    expect(warning[0]!.message).toContain('does not exist in NumPy 1.24, 1.25, 1.26 (removed in 1.24, back from 2.0), which numpy>=1.22 allows');
  });

  it('NumPy 2.0 removals: renames keep the alias, expressions use it, manual ones have no fix', () => {
    const files = {
      'requirements.txt': 'numpy>=2.0\n',
      'src/m.py': 'import numpy as xp\na = xp.NaN + xp.Inf\nb = xp.NINF\nc = xp.cast[int](a)\nd = xp.add_docstring\n',
    };
    const findings = run(files);
    expect(findings.map((f) => [f.text, f.level, f.fixes.length])).toEqual([
      ['xp.NaN', 'error', 1],
      ['xp.Inf', 'error', 1],
      ['xp.NINF', 'error', 1],
      ['xp.cast', 'error', 0],
      ['xp.add_docstring', 'error', 1],
    ]);
    expect(fix(files)['src/m.py']).toBe('import numpy as xp\na = xp.nan + xp.inf\nb = -xp.inf\nc = xp.cast[int](a)\nd = xp.lib.add_docstring\n');
  });

  it('unpinned means the newest known version; deprecated names warn', () => {
    const findings = run({ 'a.py': 'import numpy as np\nnp.product([1]); np.float_(1)\n' });
    expect(findings.map((f) => [f.text, f.level])).toEqual([['np.product', 'warning'], ['np.float_', 'error']]);
    expect(findings[0]!.message).toContain('numpy is not pinned, so the newest known NumPy 2.3 is assumed');
  });

  it('from-imports are flagged at the import, without a rebinding fix', () => {
    const findings = run({ 'requirements.txt': 'numpy==2.0.1\n', 'a.py': 'from numpy import float_, float64\nx = float_(1)\n' });
    expect(findings.map((f) => [f.text, f.fixes.length])).toEqual([['float_', 0]]);
  });

  it('never flags unrelated objects, strings, comments or shadowed names', () => {
    const files = {
      'requirements.txt': 'numpy==2.0.0\n',
      'a.py': '"""np.float_ in a docstring"""\nimport numpy as np\nobj.float_ = 1\nx.NaN\n# np.NaN\ns = "np.NaN"\n',
      'b.py': 'import numpy as np\nnp = make_fake()\nnp.NaN\n',
    };
    expect(run(files)).toEqual([]);
  });

  it('trapz → trapezoid is offered but unsafe when the range allows NumPy 1.x', () => {
    const files = { 'requirements.txt': 'numpy>=1.26\n', 'a.py': 'import numpy as np\nnp.trapz([1, 2])\n' };
    const [finding] = run(files);
    expect(finding!.level).toBe('warning');
    expect(finding!.fixes[0]).toMatchObject({ safe: false, edits: [{ text: 'trapezoid' }] });
    expect(fix(files)).toEqual(files);
  });

  it('uses the nearest project root for the version', () => {
    const files = {
      'requirements.txt': 'numpy==1.19.5\n',
      'svc/requirements.txt': 'numpy==1.26.4\n',
      'svc/app/main.py': 'import numpy as np\nnp.int\n',
      'tool.py': 'import numpy as np\nnp.int\n',
    };
    expect(run(files).map((f) => f.file)).toEqual(['svc/app/main.py']);
  });

  it('is silenced by # pinwise: ignore[deprecated-api]', () => {
    expect(run({ 'requirements.txt': 'numpy==1.26.4\n', 'a.py': 'import numpy as np\nnp.float  # pinwise: ignore[deprecated-api]\n' })).toEqual([]);
  });
});

describe('deprecated-api: Pillow', () => {
  it('Image.ANTIALIAS through `from PIL import Image` and `import PIL.Image`', () => {
    const files = {
      'requirements.txt': 'pillow==10.2.0\n',
      'a.py': 'from PIL import Image\nim.resize((1, 1), Image.ANTIALIAS)\n',
      'b.py': 'import PIL.Image\nPIL.Image.CUBIC\n',
    };
    const findings = run(files);
    expect(findings.map((f) => [f.text, f.level, f.fixes[0]?.safe])).toEqual([
      ['Image.ANTIALIAS', 'error', true],
      ['PIL.Image.CUBIC', 'error', true],
    ]);
    expect(fix(files)['a.py']).toBe('from PIL import Image\nim.resize((1, 1), Image.Resampling.LANCZOS)\n');
    expect(fix(files)['b.py']).toBe('import PIL.Image\nPIL.Image.Resampling.BICUBIC\n');
  });

  it('textsize on an ImageDraw.Draw instance', () => {
    const findings = run({ 'requirements.txt': 'Pillow>=9.5\n', 'a.py': 'from PIL import ImageDraw\nd = ImageDraw.Draw(im)\nw, h = d.textsize("x")\nother.textsize("x")\n' });
    expect(findings.map((f) => [f.text, f.level])).toEqual([['d.textsize', 'warning']]);
    expect(findings[0]!.message).toContain('does not exist in Pillow 10.0, 10.1, 10.2, 10.3, 10.4, 11.0 (removed in 10.0), which Pillow>=9.5 allows');
  });
});
