import { defineRule } from './define';
import { markersCanAllHold } from '../markers';
import { compareVersions, rangesOverlap, rangeWithin, type VersionRange } from '../versions';
import { pinRange, pinSpan, pinText } from './support/pins';
import { releaseLines, supports, supportText, type ReleaseLine } from './support/python-lines';

/** Whether `range` lies inside the span the known release lines cover (so no unknown release can match). */
function covered(range: VersionRange, lines: readonly ReleaseLine[]): boolean {
  return lines.some((line) => rangeWithin(range, line.range)) || (range.lower !== null && range.upper !== null && lines.filter((l) => rangesOverlap(range, l.range)).length > 1 && coveredByUnion(range, lines));
}

function coveredByUnion(range: VersionRange, lines: readonly ReleaseLine[]): boolean {
  const lowest = lines.reduce<VersionRange | null>((acc, l) => (!acc || (l.range.lower && acc.lower && compareVersions(l.range.lower.version, acc.lower.version) < 0) ? l.range : acc), null);
  const highest = lines.reduce<VersionRange | null>((acc, l) => (!acc || (l.range.upper && acc.upper && compareVersions(l.range.upper.version, acc.upper.version) > 0) ? l.range : acc), null);
  if (!lowest?.lower || !highest?.upper) return false;
  return rangeWithin(range, { lower: lowest.lower, upper: highest.upper, excluded: [], empty: false });
}

export const pythonVersionUnsupported = defineRule(
  {
    id: 'python-version-unsupported',
    defaultLevel: 'error',
    summary: "A pin with no release for the project's Python (numpy==1.24.3 on 3.12).",
    fixable: false,
    status: 'active',
    docs: `## What it does
Checks each pin against the Python versions its releases publish wheels for, using the project's target Python (\`requires-python\`, \`.python-version\`, \`--python\`, or the editor setting). A pin is reported when every release it allows misses that Python. Ranges are judged: \`numpy>=1.24,<1.26\` on Python 3.12 is reported, \`numpy>=1.24\` is not (pip can pick 1.26 or later). Pins whose marker excludes the target Python are skipped. Covered: NumPy 1.24 to 2.3; SciPy 1.9 to 1.13; Numba 0.56 to 0.62; TensorFlow 2.10 to 2.20; ONNX Runtime 1.15 to 1.24 (onnxruntime-gpu 1.20 to 1.24); scikit-learn 1.3.1 to 1.4; pandas 2.0 and 2.2 to 2.3 (2.1 is not covered yet); and the torch, torchvision and torchaudio releases of the PyTorch knowledge base. opencv-python is not covered: its wheels are abi3 (\`cp37-abi3\`) and install on every later CPython.

## Why it matters
Without a wheel pip falls back to building from source, which for NumPy 1.24 on Python 3.12 fails outright (it still needs distutils) and for torch is not possible at all: the install stops with "No matching distribution found".

## Example
\`\`\`text
# .python-version: 3.12
numpy==1.24.3     # NumPy 1.24 supports Python 3.8-3.11
\`\`\`

## Fix
Raise the pin to a release that supports the target Python (NumPy 1.26 is the first for 3.12), or target an older Python.

## Sources
Every range in rules/python-support.yaml names the page it was read from; among them:
- NumPy 2.0.2 release notes (each release's notes name the Python versions it supports): https://github.com/numpy/numpy/blob/v2.0.2/doc/source/release/2.0.2-notes.rst
- SciPy toolchain roadmap (Python per SciPy version): https://github.com/scipy/scipy/blob/7b4a8e7e719454f676a660958d69d4bc20f37c23/doc/source/dev/toolchain.rst
- Numba 0.61.0 release notes: https://github.com/numba/numba/blob/0.61.0/docs/source/release/0.61.0-notes.rst
- TensorFlow 2.14.0 release notes ("Support for Python 3.8 has been removed starting with TF 2.14"): https://github.com/tensorflow/tensorflow/releases/tag/v2.14.0
- ONNX Runtime 1.20.0 release notes and microsoft/onnxruntime#17842: https://github.com/microsoft/onnxruntime/releases/tag/v1.20.0
- scikit-learn 1.7.0 release: https://github.com/scikit-learn/scikit-learn/releases/tag/1.7.0
- pandas 2.3.3 release notes (2.2.3 added Python 3.13, 2.3.3 added 3.14): https://pandas.pydata.org/pandas-docs/version/2.3.3/whatsnew/v2.3.3.html
- PyTorch releases and their Python range: see rules/torch.yaml
`,
  },
  (context) => {
    const target = context.project.targetPython;
    const lines = releaseLines(context.kb);
    if (lines.size === 0) return;
    const reported = new Set<string>();
    for (const env of context.project.environments) {
      // An installed environment runs its own Python; declared files are judged against the target.
      // A CI job or a base image runs its own Python; other declared files, the project's target.
      const own = env.python ?? target;
      const python = env.installed ? env.installed.python : own?.version;
      if (!python) continue;
      const from = env.installed ? env.installed.label : own!.source === 'settings' ? 'the settings' : own!.source.file;
      const related = env.installed || own!.source === 'settings' ? [] : [{ file: own!.source.file, span: own!.source.span, message: `target Python ${python}` }];
      for (const requirement of env.requirements) {
        const name = requirement.normalizedName;
        if (!name || requirement.url !== null || requirement.clauses.length === 0) continue;
        const known = lines.get(name);
        if (!known) continue;
        const key = `${requirement.file}\0${requirement.span.start}`;
        if (reported.has(key)) continue;
        if (!markersCanAllHold([requirement.marker], { python, pythons: context.project.pythonMinors })) continue;
        const range = pinRange(requirement);
        if (range.empty || !covered(range, known)) continue;
        const candidates = known.filter((line) => rangesOverlap(range, line.range));
        if (candidates.length === 0 || candidates.some((line) => supports(line, python))) continue;
        reported.add(key);
        const ranges = candidates.map(supportText).filter((v, i, a) => a.indexOf(v) === i);
        context.report({
          message: env.installed
            ? `\`${pinText(context.project, requirement)}\` is installed in ${from}, which runs Python ${python}, but has no release for it: ${ranges.join('; ')}. It was built from source or left behind by a Python upgrade; reinstall it.`
            : `\`${pinText(context.project, requirement)}\` has no release for Python ${python} (target Python from ${from}): ${ranges.join('; ')}. pip finds no wheel and the install fails.`,
          file: requirement.file,
          span: pinSpan(context.project, requirement),
          related,
        });
      }
    }
  },
);
