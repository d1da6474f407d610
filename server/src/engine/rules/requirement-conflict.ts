import { declaredRequirements } from '../kb/requires';
import { defineRule } from './define';
import { declaredEnvironments, dependencyApplies, type InstalledEnvironment } from '../installed';
import { normalizeName } from '../parsers/pep508';
import type { RuleContext } from './types';
import { rangesOverlap, rangeWithin, satisfies, versionRange } from '../versions';
import type { DeclaredRequirement } from '../kb/requires';
import type { Requirement } from '../model';
import { canInstallTogether, localTag, pinRange, pinSpan, pinText, pinsOf } from './support/pins';

/** Whether this build of the owner declares the requirement (PyTorch's +cpu / +rocm wheels do not need triton). */
function buildDeclares(entry: DeclaredRequirement, owner: Requirement): boolean {
  if (!entry.local_tags) return true;
  const tag = localTag(owner);
  return tag === null || entry.local_tags.some((prefix) => tag.startsWith(prefix));
}

/**
 * What `pip check` reports on an installed environment, from each distribution's own Requires-Dist:
 * a dependency that is not installed, or installed at a version outside what it asks for.
 */
function reportBrokenRequirements(context: RuleContext, env: InstalledEnvironment): void {
  const byName = new Map(env.distributions.map((d) => [d.normalizedName, d]));
  for (const dist of env.distributions) {
    for (const dep of dist.dependencies) {
      if (dependencyApplies(dep, env) !== true) continue;
      const wanted = `${dep.requirement.name}${dep.requirement.extras.length > 0 ? `[${dep.requirement.extras.join(',')}]` : ''}${dep.requirement.specifier}`;
      const installed = byName.get(normalizeName(dep.requirement.name));
      if (!installed) {
        context.report({
          message: `\`${dist.name} ${dist.version}\` requires \`${wanted}\`, which is not installed in ${env.label}; importing ${dist.name} can fail.`,
          file: dep.file,
          span: dep.span,
        });
        continue;
      }
      if (dep.requirement.clauses.length === 0 || satisfies(installed.version, dep.requirement.clauses, { prereleases: true })) continue;
      context.report({
        message: `\`${dist.name} ${dist.version}\` requires \`${wanted}\`, but ${env.label} has ${installed.name} ${installed.version}; pip check reports this environment as broken.`,
        file: dep.file,
        span: dep.span,
        related: [{ file: installed.file, span: installed.versionSpan, message: `${installed.name} ${installed.version} is installed` }],
      });
    }
  }
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

Known requirements: tensorflow ↔ numpy and protobuf, torch ↔ triton (only the PyPI and CUDA builds on Linux declare it; \`+cpu\` and \`+rocm\` builds do not), xformers ↔ torch (each binary release pins one torch), transformers ↔ huggingface-hub, gradio ↔ gradio-client (each gradio release pins one client). A package version the knowledge base does not list is never reported.

## Why it matters
pip refuses the whole install with \`ResolutionImpossible\` ("Cannot install numpy==1.24.3 and tensorflow==2.12.0 because these package versions have conflicting dependencies"), usually in CI or on a user's machine long after the pin was written. When the two are installed in separate \`pip install\` steps, pip instead replaces the first pin or leaves a broken environment behind with a warning.

## Example
\`\`\`text
tensorflow==2.12.0   # requires numpy>=1.22,<1.24
numpy==1.24.3
torch==2.3.1
xformers==0.0.26.post1   # built for, and requires, torch==2.3.0
\`\`\`

## Fix
Move one of the two pins: here \`numpy==1.23.5\`, or \`tensorflow==2.12.1\` / \`2.13.0\`, which accept up to \`numpy<=1.24.3\`; for xformers, pick the release built for your torch (or the torch it names).

## Sources
- tensorflow 2.12.0 requires numpy<1.24: https://github.com/tensorflow/tensorflow/issues/60216
- tensorflow 2.12.1 / 2.13.0 require numpy<=1.24.3: https://github.com/qiboteam/qibocal/pull/443
- tensorflow 2.15 requires numpy>=1.23.5,<2.0.0: https://github.com/tensorflow/tensorflow/blob/r2.15/tensorflow/tools/pip_package/setup.py
- tensorflow 2.11.0 requires protobuf>=3.9.2,<3.20: https://github.com/tensorflow/tensorflow/issues/59221
- torch ↔ triton, per release: https://github.com/S-LoRA/S-LoRA/issues/8, https://github.com/triton-lang/triton/issues/3359, https://github.com/triton-lang/triton/issues/5058
- xformers ↔ torch, per release: https://github.com/bytedance/MVDream-threestudio/issues/29, https://github.com/vllm-project/vllm/pull/2158
- gradio pins one gradio_client: https://github.com/gradio-app/gradio/issues/7339
- every entry, with its own source: \`rules/requires.yaml\`
`,
  },
  (context) => {
    for (const installed of context.project.installed) reportBrokenRequirements(context, installed);
    const declared = declaredRequirements(context.kb);
    if (declared.length === 0) return;
    // Installed distributions carry their real Requires-Dist (above): the curated list judges declared pins.
    for (const env of declaredEnvironments(context.project)) {
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
