import { describe, expect, it } from 'vitest';
import { checkRule, fixFiles } from '../support/analyze';

// End to end: requirements files and .py sources in, findings and fixed text out, through analyze().
const run = (files: Record<string, string>) => checkRule('deprecated-api', files);
const fix = (files: Record<string, string>) => fixFiles(files, { select: ['deprecated-api'] });

describe('deprecated-api: NumPy', () => {
  it('flags a removed alias as an error naming the pin, and fixes it', () => {
    const files = { 'requirements.txt': 'numpy==1.26.4\n', 'app.py': '# é\nimport numpy as np\nx = np.float(3)\ny = "np.float"  # np.float\n' };
    const findings = run(files);
    expect(findings.map((f) => [f.text, f.level])).toEqual([['np.float', 'error']]);
    expect(findings[0]!.message).toBe('`np.float` was removed in NumPy 1.24 (this project pins numpy==1.26.4). Use `float`.');
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
    const findings = run({ 'a.py': 'import numpy as np\nnp.in1d([1], [1]); np.float_(1)\n' });
    expect(findings.map((f) => [f.text, f.level])).toEqual([['np.in1d', 'warning'], ['np.float_', 'error']]);
    expect(findings[0]!.message).toContain('numpy is not pinned, so the newest known NumPy 2.5 is assumed');
  });

  it('from-imports are flagged at the import; the fix imports the new name under the old one', () => {
    const files = { 'requirements.txt': 'numpy==2.0.1\n', 'a.py': 'from numpy import float_, float64\nfrom numpy import NaN as N\nx = float_(1) + N\n' };
    const findings = run(files);
    expect(findings.map((f) => [f.text, f.level, f.fixes[0]?.title])).toEqual([
      ['float_', 'error', 'Import `float64 as float_`'],
      ['NaN', 'error', 'Import `nan` instead'],
    ]);
    expect(fix(files)['a.py']).toBe('from numpy import float64 as float_, float64\nfrom numpy import nan as N\nx = float_(1) + N\n');
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
    expect(finding!.fixes[0]).toMatchObject({ applicability: 'manual', edits: [{ text: 'trapezoid' }] });
    expect(fix(files)).toEqual(files);
  });

  it('uses the nearest project root for the version', () => {
    const files = {
      'requirements.txt': 'numpy==1.19.5\n',
      'svc/pyproject.toml': '[project]\nname = "svc"\nversion = "1.0"\n',
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
    expect(findings.map((f) => [f.text, f.level, f.fixes[0]?.applicability === 'safe'])).toEqual([
      ['Image.ANTIALIAS', 'error', true],
      ['PIL.Image.CUBIC', 'error', true],
    ]);
    expect(fix(files)['a.py']).toBe('from PIL import Image\nim.resize((1, 1), Image.Resampling.LANCZOS)\n');
    expect(fix(files)['b.py']).toBe('import PIL.Image\nPIL.Image.Resampling.BICUBIC\n');
  });

  it('textsize on an ImageDraw.Draw instance', () => {
    const findings = run({ 'requirements.txt': 'Pillow>=9.5\n', 'a.py': 'from PIL import ImageDraw\nd = ImageDraw.Draw(im)\nw, h = d.textsize("x")\nother.textsize("x")\n' });
    expect(findings.map((f) => [f.text, f.level])).toEqual([['d.textsize', 'warning']]);
    expect(findings[0]!.message).toContain('does not exist in Pillow 10.0, 10.1, 10.2, 10.3, 10.4, 11.0, 12.0 (removed in 10.0), which Pillow>=9.5 allows');
  });
});

describe('deprecated-api: wildcard names', () => {
  it('a `*` inside the last name (`transformers.TF*`) is found in a file that uses nothing else of the library', () => {
    const files = { 'requirements.txt': 'transformers==5.0.0\n', 'tf.py': 'from transformers import TFAutoModel\nmodel = TFAutoModel.from_pretrained("bert-base-uncased")\n' };
    expect(run(files).map((f) => [f.text, f.level])).toEqual([['TFAutoModel', 'error']]);
    expect(run({ ...files, 'requirements.txt': 'transformers==4.57.0\n' })).toEqual([]);
  });
});
