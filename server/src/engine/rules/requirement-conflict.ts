import { declaredRequirements } from '../kb/requires';
import { defineRule } from './define';
import { rangesOverlap, rangeWithin, versionRange } from '../versions';
import type { DeclaredRequirement } from '../kb/requires';
import type { Requirement } from '../model';
import { canInstallTogether, localTag, pinRange, pinSpan, pinText, pinsOf } from './support/pins';

/** Whether this build of the owner declares the requirement (PyTorch's +cpu / +rocm wheels do not need triton). */
function buildDeclares(entry: DeclaredRequirement, owner: Requirement): boolean {
  if (!entry.local_tags) return true;
  const tag = localTag(owner);
  return tag === null || entry.local_tags.some((prefix) => tag.startsWith(prefix));
}

export const requirementConflict = defineRule(
  {
    id: 'requirement-conflict',
    defaultLevel: 'error',
    summary: 'Pins that violate what another pinned package declares it needs (its Requires-Dist), so the resolver must refuse them.',
    fixable: false,
    status: 'active',
    docs: `## What it does
For pinned packages whose declared requirements (their \`Requires-Dist\` metadata) often clash in ML stacks, checks the other pins of the same environment against them: when every version a pin allows lies inside a known release (\`tensorflow==2.12.0\`) and the requirement it declares leaves no room for what you pinned (\`numpy==1.24.3\` against \`numpy>=1.22,<1.24\`), the pin is reported, naming the requirement and where it comes from. Markers on both sides, and on the declared requirement itself, are taken into account; constraints files count as pins.

## Why it matters
pip refuses the whole install with \`ResolutionImpossible\` ("Cannot install numpy==1.24.3 and tensorflow==2.12.0 because these package versions have conflicting dependencies"), usually in CI or on a user's machine long after the pin was written.

## Example
\`\`\`text
tensorflow==2.12.0   # requires numpy>=1.22,<1.24
numpy==1.24.3
\`\`\`

## Fix
Move one of the two pins: here \`numpy==1.23.5\`, or \`tensorflow==2.12.1\` / \`2.13.0\`, which accept up to \`numpy<=1.24.3\`.

## Sources
- tensorflow 2.12.0 requires numpy<1.24: https://github.com/tensorflow/tensorflow/issues/60216
- tensorflow 2.12.1 / 2.13.0 require numpy<=1.24.3: https://github.com/qiboteam/qibocal/pull/443
- torch 2.0.x requires triton==2.0.0 on Linux x86_64: https://github.com/S-LoRA/S-LoRA/issues/8
`,
  },
  (context) => {
    const declared = declaredRequirements(context.kb);
    if (declared.length === 0) return;
    for (const env of context.project.environments) {
      for (const entry of declared) {
        const versions = versionRange(entry.versions);
        const needed = versionRange(entry.specifier);
        for (const owner of pinsOf(env, entry.package, { constraints: false })) {
          if (owner.url !== null || !rangeWithin(pinRange(owner), versions) || !buildDeclares(entry, owner)) continue;
          for (const pin of pinsOf(env, entry.requires)) {
            if (pin.url !== null || pin.clauses.length === 0) continue;
            if (!canInstallTogether(context.project, [owner, pin], [entry.marker])) continue;
            if (rangesOverlap(pinRange(pin), needed)) continue;
            const ownerText = pinText(context.project, owner);
            const condition = entry.marker ? ` (where ${entry.marker})` : '';
            context.report({
              message: `\`${pinText(context.project, pin)}\` conflicts with \`${ownerText}\`, which requires \`${entry.requires}${entry.specifier}\`${condition}; pip cannot install both and stops with ResolutionImpossible.`,
              file: pin.file,
              span: pinSpan(context.project, pin),
              related: [{ file: owner.file, span: pinSpan(context.project, owner), message: `requires ${entry.requires}${entry.specifier} (source: ${entry.source})` }],
            });
          }
        }
      }
    }
  },
);
