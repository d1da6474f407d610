import { describe, expect, it } from 'vitest';
import { deprecationLibraries } from '../../server/src/engine/kb/deprecations';
import { compareVersions } from '../../server/src/engine/versions';
import { kb } from '../support/analyze';

describe('rules/deprecations/*.yaml', () => {
  const libraries = deprecationLibraries(kb);
  it('loads every library', () => {
    expect(libraries.map((l) => l.key).sort()).toEqual(expect.arrayContaining([
      'deprecations/datasets',
      'deprecations/diffusers',
      'deprecations/gradio',
      'deprecations/huggingface_hub',
      'deprecations/keras',
      'deprecations/librosa',
      'deprecations/numpy',
      'deprecations/onnxruntime',
      'deprecations/opencv',
      'deprecations/pandas',
      'deprecations/peft',
      'deprecations/pillow',
      'deprecations/python',
      'deprecations/scikit-image',
      'deprecations/scikit-learn',
      'deprecations/scipy',
      'deprecations/setuptools',
      'deprecations/tensorflow',
      'deprecations/torch',
      'deprecations/torchaudio',
      'deprecations/torchvision',
      'deprecations/transformers',
    ]));
  });
  for (const library of libraries) {
    it(`${library.key}: every source is a permalink (a tag, a commit or a versioned page)`, () => {
      const moving = /\/(stable|latest|main|master|dev|devdocs)\/|\/blob\/(main|master)\b|\/tree\/(main|master)\b/;
      expect(library.entries.filter((e) => moving.test(e.source)).map((e) => `${e.symbol}: ${e.source}`)).toEqual([]);
    });
    it(`${library.key}: each entry is dated, ordered, sourced and fixable only with a target`, () => {
      const sorted = [...library.versions].sort(compareVersions);
      expect(library.versions).toEqual(sorted);
      for (const e of library.entries) {
        expect(e.deprecated ?? e.removed ?? e.changed, e.symbol).toBeTruthy();
        if (e.changed) expect([e.deprecated, e.removed, e.kind], e.symbol).toEqual([undefined, undefined, 'call']);
        if (e.unlessKeyword || e.replacement.reordersArguments) expect(e.kind, e.symbol).toBe('call');
        if (e.deprecated && e.removed) expect(compareVersions(e.deprecated, e.removed), e.symbol).toBeLessThan(0);
        if (e.restored) expect(compareVersions(e.removed ?? e.deprecated!, e.restored), e.symbol).toBeLessThan(0);
        expect(e.source).toMatch(/^https:\/\//);
        if (e.replacement.kind !== 'manual' && e.replacement.kind !== 'keywords') expect(e.replacement.to, e.symbol).toBeTruthy();
        if (e.replacement.kind === 'keywords') expect([e.kind, e.parameters?.length], e.symbol).toEqual(['positional', expect.any(Number)]);
        if (e.kind === 'keyword' || e.kind === 'required-keyword') expect(e.keyword, e.symbol).toBeTruthy();
        if (e.kind === 'positional') expect(e.positional, e.symbol).toBeGreaterThanOrEqual(0);
        expect(library.modules).toContain(e.symbol.split(/[.(]/)[0]);
      }
    });
  }
  it('TensorFlow: the experimental virtual-device name is the deprecated one (facts README)', () => {
    const tf = libraries.find((l) => l.key === 'deprecations/tensorflow')!;
    expect(tf.entries.map((e) => [e.symbol, e.replacement.to])).toContainEqual([
      'tensorflow.config.experimental.set_virtual_device_configuration',
      'tensorflow.config.set_logical_device_configuration',
    ]);
    expect(tf.entries.some((e) => e.symbol === 'tensorflow.config.set_logical_device_configuration')).toBe(false);
  });

  it('NumPy: the 1.24 aliases, bool back in 2.0 (facts README: not removed in 1.25)', () => {
    const numpy = libraries.find((l) => l.key === 'deprecations/numpy')!;
    const float = numpy.entries.find((e) => e.symbol === 'numpy.float')!;
    expect([float.deprecated, float.removed]).toEqual(['1.20.0', '1.24.0']);
    expect(numpy.entries.find((e) => e.symbol === 'numpy.bool')!.restored).toBe('2.0.0');
  });
});

describe('deprecation prefilter', () => {
  const numpy = deprecationLibraries(kb).find((l) => l.key === 'deprecations/numpy')!;
  const all = numpy.prefilter(numpy.entries);
  it('passes every way a file can reach a deprecated name', () => {
    for (const text of [
      'import numpy as np\nnp.float_(1)\n',
      'import numpy\nnumpy . NaN\n',
      'import os, numpy as xp  # arrays\nxp.Inf\n',
      'import numpy as np\nxp = np\nxp.NaN\n',
      'from numpy import float_\n',
      'from numpy import (\n    int8,\n    NaN,\n)\n',
      'import numpy.linalg\nnumpy.NaN\n',
    ]) {
      expect(all(text), text).toBe(true);
    }
  });
  it('drops files that do not import the module or only use names that still work', () => {
    expect(all('x.NaN\nfloat_ = 1\n')).toBe(false); // no numpy import
    expect(all('import numpy as np\nnp.float64(1)\nobj.NaN\nnp.nan\n')).toBe(false);
    expect(all('# numpy\nimport os\nos.NaN\n')).toBe(false);
    const since2 = numpy.entries.filter((e) => e.symbol !== 'numpy.bool');
    expect(numpy.prefilter(since2)('import numpy as np\nnp.bool(1)\n')).toBe(false);
    expect(numpy.prefilter([])('import numpy as np\nnp.NaN\n')).toBe(false);
  });
  it('is linear on adversarial input', () => {
    const huge = 'import numpy as np\n' + 'np.'.repeat(200_000) + 'from numpy import ' + 'x, '.repeat(200_000);
    expect(all(huge)).toBe(false);
  });
});
