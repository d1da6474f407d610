import { incompatiblePairs } from '../kb/known-incompatible';
import { defineRule } from './define';
import { compareVersions, intersectRanges, rangeReachesAtOrAbove, rangesOverlap, versionRange, type VersionRange } from '../versions';
import { canInstallTogether, pinRange, pinSpan, pinText, pinsOf, publicSpecifier } from './support/pins';
import { torchKnowledge } from '../kb/torch';
import type { Requirement } from '../model';
import type { Environment } from '../project';
import type { RuleContext } from './types';

/**
 * The versions of torchvision / torchaudio that a torch pin with an upper bound allows beside `pin`
 * (each torch release takes exactly one of each), or null when no such torch pin is there.
 */
function familyBound(context: RuleContext, env: Environment, pin: Requirement): { range: VersionRange; reason: string } | null {
  const pkg = pin.normalizedName;
  const view = torchKnowledge(context.kb);
  if (!view || (pkg !== 'torchvision' && pkg !== 'torchaudio')) return null;
  for (const torch of pinsOf(env, 'torch')) {
    if (torch.url !== null || !pinRange(torch).upper || !canInstallTogether(context.project, [torch, pin])) continue;
    const versions = view.releasesMatching('torch', publicSpecifier(torch)).flatMap((row) => (row[pkg] ? [row[pkg]!] : []));
    if (versions.length === 0) continue;
    const sorted = [...new Set(versions)].sort(compareVersions);
    const shown = sorted.length <= 3 ? sorted.join(', ') : `${sorted[0]} to ${sorted[sorted.length - 1]}`;
    return {
      range: versionRange(`>=${sorted[0]},<=${sorted[sorted.length - 1]}`),
      reason: `with \`${pinText(context.project, torch)}\`, pip installs ${pkg} ${shown}`,
    };
  }
  return null;
}

export const knownIncompatible = defineRule(
  {
    id: 'known-incompatible',
    defaultLevel: 'error',
    summary: 'A curated pair that installs but breaks at import or run time (e.g. basicsr 1.4.2 with torchvision ≥ 0.17).',
    fixable: false,
    status: 'active',
    docs: `## What it does
Reports pairs of pins that the resolver accepts but that break when the code runs, from a curated list with the upstream issue for each. A pair is reported when the version pip will pick for each side falls in the broken range: pip installs the newest version a range allows, so an unbounded \`torchvision\` means the newest torchvision, and \`gradio>=4.43\` means a gradio past the affected 4.x line (not reported), while \`basicsr>=1.4.2\` still means basicsr 1.4.2, the last release. A torchvision or torchaudio left open beside a bounded torch pin is held to that torch's release rows (\`torch==2.1.2\` means torchvision 0.16.2), as pip's resolver holds it.

## Why it matters
Nothing fails at install time; the error appears at import, often deep in a dependency (\`ModuleNotFoundError: No module named 'torchvision.transforms.functional_tensor'\` from basicsr, which GFPGAN, Real-ESRGAN and face-swap tools pull in; \`ImportError: cannot import name 'cached_download' from 'huggingface_hub'\` from older diffusers).

## Example
\`\`\`text
basicsr==1.4.2
torchvision==0.17.0   # removed torchvision.transforms.functional_tensor, which basicsr imports
\`\`\`

## Fix
Follow the advice in the message: here pin \`torchvision<0.17\` (with the matching torch), or patch the import in basicsr to \`torchvision.transforms.functional\`.

## Sources
- basicsr and torchvision.transforms.functional_tensor: https://github.com/XPixelGroup/BasicSR/issues/533
- diffusers before 0.29 and huggingface_hub 0.26 (\`cached_download\` removed): https://github.com/easydiffusion/easydiffusion/issues/1851
- gradio 4.x and huggingface_hub 1.0 (\`HfFolder\` removed): https://github.com/Zeyi-Lin/HivisionIDPhotos/issues/281
`,
  },
  (context) => {
    const pairs = incompatiblePairs(context.kb);
    if (pairs.length === 0) return;
    for (const env of context.project.environments) {
      for (const pair of pairs) {
        const affected = versionRange(pair.affected);
        const broken = versionRange(pair.with_versions);
        for (const a of pinsOf(env, pair.package, { constraints: false })) {
          if (a.url !== null) continue;
          const rangeA = pinRange(a);
          if (!rangesOverlap(rangeA, affected)) continue;
          if (pair.fixed_in && rangeReachesAtOrAbove(rangeA, pair.fixed_in)) continue;
          // pip picks the newest version the range allows: an open upper end passes an affected range
          // that stops before a known release (\`<5.0\`). One that ends inclusively (\`<=1.4.2\`) with no
          // fix names the newest release, so an open range still lands in it.
          if (!rangeA.upper && affected.upper && !affected.upper.inclusive) continue;
          for (const b of pinsOf(env, pair.with, { constraints: false })) {
            if (b.url !== null || !canInstallTogether(context.project, [a, b])) continue;
            // torchvision / torchaudio are held to the release rows of a bounded torch pin beside them.
            const held = familyBound(context, env, b);
            const rangeB = held ? intersectRanges(pinRange(b), held.range) : pinRange(b);
            if (rangeB.empty || !rangesOverlap(rangeB, broken)) continue;
            // pip picks the newest allowed version: an open upper end means the newest release.
            if (!rangeB.upper && broken.upper) continue;
            const bText = pinText(context.project, b);
            const how = held ? ` (${held.reason})` : b.clauses.length === 0 ? ' (unpinned: pip installs the newest)' : '';
            context.report({
              message: `\`${pinText(context.project, a)}\` breaks with \`${bText}\`${how}: ${pair.reason}.${pair.advice ? ` Fix: ${pair.advice}.` : ''}`,
              file: a.file,
              span: pinSpan(context.project, a),
              related: [{ file: b.file, span: pinSpan(context.project, b), message: `${pair.with} ${pair.with_versions} (source: ${pair.source})` }],
            });
          }
        }
      }
    }
  },
);
