import type { Fix } from '../findings';
import { numpyAbi, type NumpyAbiPackage } from '../kb/numpy-abi';
import type { Requirement } from '../model';
import { defineRule } from './define';
import { intersectRanges, rangeReachesAtOrAbove, rangeReachesBelow, type VersionRange } from '../versions';
import { canInstallTogether, displayName, listText, pinRange, pinSpan, pinText, pinsOf, publicVersionSpan, specifierInsertion } from './support/pins';

export const numpyAbiMismatch = defineRule(
  {
    id: 'numpy-abi-mismatch',
    defaultLevel: 'error',
    summary: 'A NumPy pin on the wrong side of the 1.x / 2.x ABI line for a pinned package built against the other.',
    fixable: true,
    status: 'active',
    docs: `## What it does
Checks the NumPy requirement of each environment against the pinned packages that ship compiled extensions (torch, torchvision, torchaudio, onnxruntime, opencv-python, tensorflow, pandas, scipy, scikit-learn, numba). When every version those pins allow was built against NumPy 1.x and the NumPy requirement lets pip pick NumPy 2 (\`numpy>=1.24\`, a bare \`numpy\`, \`numpy==2.1\`), it reports the NumPy line. Ranges are judged, not only \`==\` pins: pip installs the newest version a range allows, so an open upper bound means NumPy 2. Constraints files and markers are taken into account.

## Why it matters
NumPy 2 changed the ABI. An extension compiled against NumPy 1.x refuses to load under NumPy 2 ("A module that was compiled using NumPy 1.x cannot be run in NumPy 2.x"), or crashes later; pip sees nothing wrong because those packages do not declare an upper bound on NumPy.

## Example
\`\`\`text
torch==2.2.0
numpy>=1.24.0   # pip picks NumPy 2; torch 2.2 was built against NumPy 1.x
\`\`\`

## Fix
Cap NumPy below 2 (\`numpy>=1.24.0,<2\`): the quick fix appends \`,<2\` to the specifier; it *changes what is installed* (applied by \`--fix --unsafe-fixes\`). When NumPy is pinned to 2.x, the alternative is to raise the other package to its first release built for NumPy 2 (torch 2.3.0, torchvision 0.18.0, torchaudio 2.3.0, onnxruntime 1.19.0, opencv-python 4.10.0.84, tensorflow 2.18.0, pandas 2.2.2, scipy 1.13.0, scikit-learn 1.4.2, numba 0.60.0); that fix is *manual* because it can pull other pins along (torchvision follows torch).

## Sources
- PyTorch, NumPy 2.0 support: https://github.com/pytorch/pytorch/issues/107302
- ONNX Runtime, Support NumPy 2.0: https://github.com/microsoft/onnxruntime/issues/21063
- opencv-python 4.10.0.84 release notes: https://github.com/opencv/opencv-python/releases/tag/84
- TensorFlow 2.18.0 release notes: https://github.com/tensorflow/tensorflow/releases/tag/v2.18.0
- pandas 2.2.2 release notes: https://pandas.pydata.org/pandas-docs/version/2.2.2/whatsnew/v2.2.2.html
- SciPy 1.13.0 release notes: https://docs.scipy.org/doc/scipy-1.13.0/release/1.13.0-notes.html
- scikit-learn 1.4.2 release: https://github.com/scikit-learn/scikit-learn/releases/tag/1.4.2
- Numba 0.60.0 release notes: https://github.com/numba/numba/blob/0.60.0/docs/source/release/0.60.0-notes.rst
- torchvision / torchaudio follow torch (compatibility tables): https://github.com/pytorch/vision/blob/v0.18.0/README.md
`,
  },
  (context) => {
    const abi = numpyAbi(context.kb);
    if (!abi) return;
    const line = abi.numpy2;
    for (const env of context.project.environments) {
      const numpyPins = pinsOf(env, 'numpy', { constraints: false });
      if (numpyPins.length === 0) continue;
      const numpyAll = pinsOf(env, 'numpy');
      // Pins restricted to releases built against NumPy 1.x.
      const oldBuilds: { requirement: Requirement; entry: NumpyAbiPackage }[] = [];
      for (const entry of abi.packages) {
        for (const requirement of pinsOf(env, entry.name, { constraints: false })) {
          const range = pinRange(requirement);
          if (range.empty || requirement.url !== null) continue;
          if (!rangeReachesAtOrAbove(range, entry.first_numpy2_build)) oldBuilds.push({ requirement, entry });
        }
      }
      if (oldBuilds.length === 0) continue;
      // NumPy pins under one marker see the same pins and the same NumPy range: work that out once per marker.
      const byMarker = new Map<string, { byText: Map<string, (typeof oldBuilds)[number]>; range: VersionRange }>();
      const judgeMarker = (numpy: Requirement) => {
        const key = numpy.marker ?? '';
        let judged = byMarker.get(key);
        if (judged) return judged;
        const together = oldBuilds.filter((o) => canInstallTogether(context.project, [numpy, o.requirement]));
        // torchvision / torchaudio follow torch: name them only when torch itself is not among the pins.
        const togetherNames = new Set(together.map((t) => t.entry.name));
        // The same pin written again (a file included twice, a repeated line) is named once.
        const byText = new Map<string, (typeof together)[number]>();
        for (const o of together) {
          if (o.entry.follows && togetherNames.has(o.entry.follows)) continue;
          const text = pinText(context.project, o.requirement);
          if (!byText.has(text)) byText.set(text, o);
        }
        // What NumPy pip may pick: the NumPy pins and constraints that can apply with this one, intersected.
        let range = pinRange(numpy);
        for (const other of numpyAll) {
          if (other !== numpy && canInstallTogether(context.project, [numpy, other])) range = intersectRanges(range, pinRange(other));
        }
        judged = { byText, range };
        byMarker.set(key, judged);
        return judged;
      };
      for (const numpy of numpyPins) {
        if (numpy.url !== null) continue;
        const { byText, range } = judgeMarker(numpy);
        const culprits = [...byText.values()];
        if (culprits.length === 0) continue;
        if (range.empty || !rangeReachesAtOrAbove(range, line)) continue;
        const written = pinText(context.project, numpy);
        const numpyText = numpy.clauses.length === 0 ? `\`${written}\` (no version bound)` : `\`${written}\``;
        const pins = [...byText.keys()].map((text) => `\`${text}\``);
        const firsts = [...new Set(culprits.map((c) => `${c.entry.name} ${c.entry.first_numpy2_build}`))];
        const only2 = !rangeReachesBelow(range, line);
        const message = only2
          ? `${numpyText} installs NumPy 2, but ${listText(pins)} ${pins.length === 1 ? 'was' : 'were'} built against NumPy 1.x and fail${pins.length === 1 ? 's' : ''} to import under NumPy 2 (first build for NumPy 2: ${listText(firsts)}).`
          : `${numpyText} lets pip install NumPy 2, but ${listText(pins)} ${pins.length === 1 ? 'was' : 'were'} built against NumPy 1.x and fail${pins.length === 1 ? 's' : ''} to import under NumPy 2 (first build for NumPy 2: ${listText(firsts)}). Cap NumPy below 2.`;
        const fixes: Fix[] = [];
        const source = context.project.sources.get(numpy.file);
        const insertion = source ? specifierInsertion(source, numpy) : null;
        if (insertion && rangeReachesBelow(pinRange(numpy), line)) {
          fixes.push({
            title: `Cap NumPy below 2 (append ${abi.numpy1Cap})`,
            edits: [{ file: numpy.file, span: { start: insertion.offset, end: insertion.replaceTo ?? insertion.offset }, text: `${insertion.separator}${abi.numpy1Cap}` }],
            applicability: 'changes-installed',
          });
        }
        for (const culprit of culprits) {
          const clauses = culprit.requirement.clauses;
          if (clauses.length !== 1 || clauses[0]!.operator !== '==' || clauses[0]!.version.includes('*')) continue;
          fixes.push({
            title: `Raise ${displayName(culprit.requirement)} to ${culprit.entry.first_numpy2_build}, its first build for NumPy 2`,
            edits: [{ file: culprit.requirement.file, span: publicVersionSpan(clauses[0]!), text: culprit.entry.first_numpy2_build }],
            applicability: 'manual',
          });
        }
        context.report({
          message,
          file: numpy.file,
          span: pinSpan(context.project, numpy),
          related: culprits.map((c) => ({
            file: c.requirement.file,
            span: pinSpan(context.project, c.requirement),
            message: `built against NumPy 1.x; ${c.entry.name} ${c.entry.first_numpy2_build} is the first build for NumPy 2`,
          })),
          fixes,
        });
      }
    }
  },
);
