import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, defaultSettings, fixAll } from '../../server/src/engine';
import type { KnowledgeBase } from '../../server/src/engine/kb/types';
import { grammars, repoRoot } from '../support/analyze';

// The entry kinds and the guards, on a knowledge base of their own (the real data is tested by
// deprecated-api-fixtures.test.ts): requirements + .py in, findings and fixed text out.
const source = 'https://example.org/notes-1.0.html';
const demo = {
  'deprecations/pandas': {
    library: 'pandas',
    distribution: 'pandas',
    modules: ['pandas'],
    versions: ['1.5.0', '2.0.0'],
    factories: { 'pandas.read_csv': 'pandas.DataFrame', 'pandas.DataFrame().copy': 'pandas.DataFrame' },
    entries: [
      { symbol: 'pandas.DataFrame().append', kind: 'attribute', deprecated: '1.4.0', removed: '2.0.0', replacement: { kind: 'manual', hint: 'Use `pd.concat`.' }, source },
      { symbol: 'pandas.DataFrame().iteritems', kind: 'attribute', deprecated: '1.5.0', removed: '2.0.0', replacement: { kind: 'rename', to: 'pandas.DataFrame().items', exact: true }, source },
      { symbol: 'pandas.read_csv', kind: 'keyword', keyword: 'error_bad_lines', deprecated: '1.3.0', removed: '2.0.0', replacement: { kind: 'keyword-renamed', to: 'on_bad_lines', values: { False: '"skip"', True: '"error"' }, exact: true }, source },
    ],
  },
  'deprecations/librosa': {
    library: 'librosa',
    distribution: 'librosa',
    modules: ['librosa'],
    versions: ['0.9.0', '0.10.0'],
    entries: [
      { symbol: 'librosa.filters.mel', kind: 'positional', positional: 0, parameters: ['sr', 'n_fft', 'n_mels'], removed: '0.10.0', replacement: { kind: 'keywords', exact: true }, source },
      { symbol: 'librosa.output', kind: 'module', removed: '0.8.0', replacement: { kind: 'manual', hint: 'Use `soundfile.write`.' }, source },
    ],
  },
  'deprecations/onnxruntime': {
    library: 'ONNX Runtime',
    distribution: 'onnxruntime',
    modules: ['onnxruntime'],
    versions: ['1.8.0', '1.9.0'],
    entries: [{ symbol: 'onnxruntime.InferenceSession', kind: 'required-keyword', keyword: 'providers', position: 2, removed: '1.9.0', replacement: { kind: 'manual', hint: 'Pass `providers=[...]`.' }, source }],
  },
  'deprecations/hub': {
    library: 'huggingface_hub',
    distribution: 'huggingface-hub',
    modules: ['huggingface_hub'],
    versions: ['0.25.0', '0.26.0'],
    entries: [{ symbol: 'huggingface_hub.cached_download', kind: 'attribute', deprecated: '0.20.0', removed: '0.26.0', replacement: { kind: 'module-moved', to: 'huggingface_hub.file_download.hf_hub_download', exact: false }, source }],
  },
  'deprecations/torch': {
    library: 'PyTorch',
    distribution: 'torch',
    modules: ['torch'],
    versions: ['2.5.0', '2.6.0'],
    entries: [{ symbol: 'torch.load', kind: 'call', changed: '2.6.0', unlessKeyword: 'weights_only', replacement: { kind: 'manual', hint: 'Pass `weights_only=`.' }, source }],
  },
  'deprecations/stdlib': {
    library: 'Python',
    distribution: 'python',
    modules: ['distutils', 'collections'],
    versions: ['3.9', '3.10', '3.11', '3.12'],
    entries: [
      { symbol: 'distutils', kind: 'module', deprecated: '3.10', removed: '3.12', replacement: { kind: 'manual', hint: 'Use setuptools.' }, source },
      { symbol: 'collections.Mapping', kind: 'attribute', deprecated: '3.3', removed: '3.10', replacement: { kind: 'rename', to: 'collections.abc.Mapping', exact: true }, source },
    ],
  },
};
const kb: KnowledgeBase = { documents: demo };

const input = (files: Record<string, string>) => ({
  files: Object.entries(files).map(([path, text]) => ({ path, text })),
  settings: defaultSettings({ select: ['deprecated-api'] }),
  kb,
  grammars,
});
const run = (files: Record<string, string>) =>
  analyze(input(files)).findings.map((f) => ({ text: files[f.file]!.slice(f.span.start, f.span.end), level: f.level, message: f.message, fixes: f.fixes }));
const texts = (files: Record<string, string>) => run(files).map((f) => f.text);
const fixed = (files: Record<string, string>, file: string) => fixAll(input(files)).changed.get(file) ?? files[file];

describe('the demo knowledge base', () => {
  it('is valid against rules/schema/deprecations.schema.json', () => {
    const ajv = new Ajv({ allErrors: true, strict: true });
    const validate = ajv.compile(JSON.parse(readFileSync(join(repoRoot, 'rules/schema/deprecations.schema.json'), 'utf8')) as object);
    for (const [key, doc] of Object.entries(demo)) expect(validate(doc), `${key}: ${JSON.stringify(validate.errors)}`).toBe(true);
  });
});

describe('entry kinds', () => {
  it('module: import, from-import, submodule import and attribute use, once each', () => {
    const files = { 'requirements.txt': 'librosa==0.10.1\n', 'a.py': 'import librosa\nimport librosa.output\nfrom librosa.output import write_wav\nimport librosa.output.x as y\nlibrosa.output.write_wav("a.wav", x, 22050)\nfrom librosa import output\n' };
    expect(run(files).map((f) => [f.text, f.level])).toEqual([
      ['librosa.output', 'error'],
      ['librosa.output', 'error'],
      ['librosa.output.x', 'error'],
      ['librosa.output', 'error'],
      ['output', 'error'],
    ]);
    expect(run(files)[0]!.message).toBe('`librosa.output` was removed in librosa 0.8 (this project pins librosa==0.10.1). Use `soundfile.write`.');
  });

  it('a moved name: flagged at the from-import and the attribute; the new home is named', () => {
    const files = { 'requirements.txt': 'huggingface-hub==0.26.2\n', 'a.py': 'from huggingface_hub import cached_download, hf_hub_download\nimport huggingface_hub as hub\nhub.cached_download(url)\n' };
    const findings = run(files);
    expect(findings.map((f) => [f.text, f.level])).toEqual([['cached_download', 'error'], ['hub.cached_download', 'error']]);
    expect(findings[0]!.message).toContain('Use `huggingface_hub.file_download.hf_hub_download`.');
    expect(texts({ 'requirements.txt': 'huggingface-hub==0.25.2\n', 'a.py': files['a.py'] })).toEqual(['cached_download', 'hub.cached_download']);
    expect(run({ 'requirements.txt': 'huggingface-hub==0.25.2\n', 'a.py': files['a.py'] }).map((f) => f.level)).toEqual(['warning', 'warning']);
  });

  it('a removed keyword: the fix maps the values it knows', () => {
    const files = { 'requirements.txt': 'pandas==2.0.3\n', 'a.py': 'import pandas as pd\ndf = pd.read_csv(p, error_bad_lines=False)\npd.read_csv(p, error_bad_lines=flag)\n' };
    expect(run(files).map((f) => [f.text, f.level, f.fixes.length])).toEqual([['error_bad_lines', 'error', 1], ['error_bad_lines', 'error', 0]]);
    expect(fixed(files, 'a.py')).toBe('import pandas as pd\ndf = pd.read_csv(p, on_bad_lines="skip")\npd.read_csv(p, error_bad_lines=flag)\n');
  });

  it('keyword-only arguments: positional calls fail, the fix names them; keyword calls are fine', () => {
    const files = {
      'requirements.txt': 'librosa==0.10.1\n',
      'a.py': 'import librosa\nm = librosa.filters.mel(22050, 2048)\nok = librosa.filters.mel(sr=22050, n_fft=2048)\nfrom librosa.filters import mel\nmel(sr, n_fft=512)\nmel(*args)\n',
    };
    const findings = run(files);
    expect(findings.map((f) => [f.text, f.level, f.fixes[0]?.applicability === 'safe'])).toEqual([
      ['librosa.filters.mel', 'error', true],
      ['mel', 'error', true],
    ]);
    expect(findings[0]!.message).toBe(
      '`librosa.filters.mel()` passes 2 arguments by position, which fails from librosa 0.10 on: it takes keyword arguments only (this project pins librosa==0.10.1). Pass `sr=`, `n_fft=` by keyword.',
    );
    expect(fixed(files, 'a.py')).toBe(
      'import librosa\nm = librosa.filters.mel(sr=22050, n_fft=2048)\nok = librosa.filters.mel(sr=22050, n_fft=2048)\nfrom librosa.filters import mel\nmel(sr=sr, n_fft=512)\nmel(*args)\n',
    );
    expect(run({ 'requirements.txt': 'librosa==0.9.2\n', 'a.py': files['a.py'] })).toEqual([]);
  });

  it('a required keyword: calls without it (by name or position) are reported; **kwargs is never', () => {
    const files = {
      'requirements.txt': 'onnxruntime==1.9.0\n',
      'a.py': 'import onnxruntime as ort\nort.InferenceSession("m.onnx")\nort.InferenceSession("m.onnx", providers=["CPUExecutionProvider"])\nort.InferenceSession("m.onnx", opts, ["CPUExecutionProvider"])\nort.InferenceSession("m.onnx", **kw)\n',
    };
    const findings = run(files);
    expect(findings.map((f) => [f.text, f.level])).toEqual([['ort.InferenceSession', 'error']]);
    expect(findings[0]!.message).toBe('`ort.InferenceSession()` without `providers=` fails from ONNX Runtime 1.9 on (this project pins onnxruntime==1.9.0). Pass `providers=[...]`.');
  });
});

describe('methods of a known class', () => {
  const pins = 'pandas==2.0.3\n';
  it('reported where the receiver is certain: a constructor, a declared factory, an annotation', () => {
    const code = [
      'import pandas as pd',
      'df = pd.DataFrame({"a": [1]})',
      'df.append(row)',
      'pd.read_csv(p).append(row)',
      'pd.read_csv(p).copy().iteritems()',
      'def f(frame: pd.DataFrame):',
      '    return frame.append(row)',
      'table: pd.DataFrame = load()',
      'table.iteritems()',
      '',
    ].join('\n');
    expect(texts({ 'requirements.txt': pins, 'a.py': code })).toEqual([
      'df.append',
      'pd.read_csv(p).append',
      'pd.read_csv(p).copy().iteritems',
      'frame.append',
      'table.iteritems',
    ]);
    expect(fixed({ 'requirements.txt': pins, 'a.py': code }, 'a.py')).toContain('pd.read_csv(p).copy().items()\n');
  });

  it('never guessed: unknown receivers, names bound to something else too, undeclared methods', () => {
    const code = [
      'import pandas as pd',
      'rows = []',
      'rows.append(1)', // a list
      'def g(df):',
      '    df.append(1)', // unknown
      'df = pd.DataFrame()',
      'pd.read_csv(p).head().append(row)', // head() is not a declared factory
      'x = pd.DataFrame()',
      'for x in items: x.append(1)', // x is rebound by the loop
      'def h(frame: list): frame.append(1)',
      '',
    ].join('\n');
    expect(texts({ 'requirements.txt': pins, 'a.py': code })).toEqual([]);
  });
});

describe('guards', () => {
  const pins = 'librosa==0.10.1\n';
  const guarded = (code: string, files: Record<string, string> = { 'requirements.txt': pins }) => texts({ ...files, 'a.py': code });
  it('try / except ImportError (body and handler), a tuple, bare except and Exception', () => {
    expect(guarded('try:\n    from librosa.output import write_wav\nexcept ImportError:\n    write_wav = None\n')).toEqual([]);
    expect(guarded('try:\n    import soundfile\nexcept ModuleNotFoundError:\n    import librosa.output\n')).toEqual([]);
    expect(guarded('try:\n    import librosa.output\nexcept (ValueError, ImportError) as e:\n    pass\n')).toEqual([]);
    expect(guarded('try:\n    import librosa.output\nexcept:\n    pass\n')).toEqual([]);
    expect(guarded('try:\n    import librosa.output\nexcept Exception:\n    pass\n')).toEqual([]);
    // the unguarded twins
    expect(guarded('from librosa.output import write_wav\n')).toEqual(['librosa.output']);
    expect(guarded('try:\n    import librosa.output\nexcept ValueError:\n    pass\n')).toEqual(['librosa.output']);
    expect(guarded('try:\n    import librosa.output\nfinally:\n    pass\n')).toEqual(['librosa.output']);
    expect(guarded('try:\n    pass\nexcept ImportError:\n    pass\nelse:\n    import librosa.output\n')).toEqual(['librosa.output']);
    // a function defined in the try runs later, outside it
    expect(guarded('try:\n    def f():\n        import librosa.output\nexcept ImportError:\n    pass\n')).toEqual(['librosa.output']);
  });

  it('the exception must be the one the use raises: AttributeError for attributes, TypeError for arguments', () => {
    const files = { 'requirements.txt': 'librosa==0.10.1\nhuggingface-hub==0.26.0\n' };
    expect(guarded('import huggingface_hub as h\ntry:\n    f = h.cached_download\nexcept AttributeError:\n    f = h.hf_hub_download\n', files)).toEqual([]);
    expect(guarded('import huggingface_hub as h\ntry:\n    f = h.cached_download\nexcept ImportError:\n    pass\n', files)).toEqual(['h.cached_download']);
    expect(guarded('import librosa\ntry:\n    librosa.filters.mel(22050, 2048)\nexcept TypeError:\n    pass\n', files)).toEqual([]);
    expect(guarded('import librosa\ntry:\n    librosa.filters.mel(22050, 2048)\nexcept AttributeError:\n    pass\n', files)).toEqual(['librosa.filters.mel']);
  });

  it('hasattr / getattr with a default, in the condition of an if, a conditional expression or an and', () => {
    expect(guarded('import librosa\nif hasattr(librosa, "output"):\n    librosa.output.write_wav(p, y, sr)\n')).toEqual([]);
    expect(guarded('import librosa\nif getattr(librosa, "output", None) is not None:\n    librosa.output.write_wav(p, y, sr)\n')).toEqual([]);
    expect(guarded('import librosa\nw = librosa.output.write_wav if hasattr(librosa, "output") else sf.write\n')).toEqual([]);
    expect(guarded('import librosa\nok = hasattr(librosa, "output") and librosa.output\n')).toEqual([]);
    // twins: another name checked, a getattr without a default (it raises too), no check
    expect(guarded('import librosa\nif hasattr(librosa, "display"):\n    librosa.output.write_wav(p, y, sr)\n')).toEqual(['librosa.output']);
    expect(guarded('import librosa\nif getattr(librosa, "output"):\n    librosa.output.write_wav(p, y, sr)\n')).toEqual(['librosa.output']);
    expect(guarded('import librosa\nlibrosa.output.write_wav(p, y, sr)\n')).toEqual(['librosa.output']);
  });

  it('a version comparison on the same library (directly, through packaging, through a flag), not another', () => {
    expect(guarded('import librosa\nif librosa.__version__ < "0.8":\n    librosa.output.write_wav(p, y, sr)\n')).toEqual([]);
    expect(guarded('import librosa\nfrom packaging import version\nif version.parse(librosa.__version__) >= version.parse("0.10"):\n    pass\nelse:\n    librosa.filters.mel(22050, 2048)\n')).toEqual([]);
    expect(guarded('import librosa\nOLD = librosa.__version__.startswith("0.7")\nif OLD:\n    librosa.output.write_wav(p, y, sr)\n')).toEqual([]);
    expect(guarded('import librosa\nfrom importlib.metadata import version\nif version("librosa") < "0.8":\n    import librosa.output\n')).toEqual([]);
    expect(guarded('import librosa, numpy as np\nif np.__version__ < "2":\n    librosa.output.write_wav(p, y, sr)\n')).toEqual(['librosa.output']);
  });

  it('the standard library: sys.version_info guards, the target Python decides', () => {
    const code = 'import sys\nif sys.version_info < (3, 12):\n    import distutils\nimport distutils.util\nfrom collections import Mapping\n';
    const on312 = run({ '.python-version': '3.12\n', 'a.py': code });
    expect(on312.map((f) => [f.text, f.level])).toEqual([['distutils.util', 'error'], ['Mapping', 'error']]);
    expect(on312[0]!.message).toBe('`distutils.util` was removed in Python 3.12 (this project targets Python 3.12). Use setuptools.');
    expect(run({ '.python-version': '3.9\n', 'a.py': code }).map((f) => [f.text, f.level])).toEqual([['Mapping', 'warning']]);
    expect(run({ 'pyproject.toml': '[project]\nname = "x"\nrequires-python = ">=3.10"\n', 'a.py': code }).map((f) => [f.text, f.level])).toEqual([
      ['distutils.util', 'warning'],
      ['Mapping', 'error'],
    ]);
  });
});

describe('behaviour notes', () => {
  const code = 'import torch\na = torch.load(p)\nb = torch.load(q)\nc = torch.load(r, weights_only=True)\nd = torch.load(s)\n';
  it('one per file and entry, with the count, where the pinned versions reach the change', () => {
    const notes = run({ 'requirements.txt': 'torch==2.6.0\n', 'a.py': code, 'b.py': 'import torch\ntorch.load(p)\n' });
    expect(notes.map((f) => [f.text, f.level])).toEqual([['torch.load', 'note'], ['torch.load', 'note']]);
    expect(notes[0]!.message).toBe('`torch.load` without `weights_only=` behaves differently from PyTorch 2.6 on (this project pins torch==2.6.0; 3 uses in this file). Pass `weights_only=`.');
  });
  it('silent where torch is not declared, or its versions stay before the change', () => {
    expect(run({ 'a.py': code })).toEqual([]);
    expect(run({ 'requirements.txt': 'numpy==2.0.0\n', 'a.py': code })).toEqual([]);
    expect(run({ 'requirements.txt': 'torch==2.5.1\n', 'a.py': code })).toEqual([]);
  });
});
