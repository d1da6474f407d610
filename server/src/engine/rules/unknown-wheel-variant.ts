import { declaredEnvironments } from '../installed';
import type { Fix } from '../findings';
import { torchFamily, torchKnowledge } from '../kb/torch';
import type { Requirement } from '../model';
import { parseVersion } from '../versions';
import { defineRule } from './define';
import { indexesInEffect, pytorchIndexes, variantSpanInFile } from './support/indexes';
import { describePin, exactVersion, hashCaveat, localTag, localTagSpan, pinsOf } from './support/pins';
import { nearestVariant } from './support/variants';
import type { RuleContext } from './types';

export const unknownWheelVariant = defineRule(
  {
    id: 'unknown-wheel-variant',
    defaultLevel: 'error',
    summary: 'A version + variant, or an index URL, that PyTorch never published (`+rocm5.7.1`, `2.3.1+rocm6.2`).',
    fixable: true,
    status: 'active',
    docs: `## What it does
Checks every torch, torchvision and torchaudio pin with a local tag (CPU, CUDA, ROCm, XPU) against the variants PyTorch published for that release (\`rules/torch.yaml\`), and every \`download.pytorch.org/whl/<variant>\` and \`/whl/nightly/<variant>\` index URL against the directories PyTorch has served. A release newer than the knowledge base is not judged (torch-family-mismatch notes it); XPU tags of releases before 2.5.0 (the first on the XPU index) are checked against the index list only.

## Why it matters
PyTorch builds each release for a handful of CUDA and ROCm versions only. \`torch==2.5.0+cu126\` (CUDA 12.6 wheels start with 2.6.0) or \`+rocm5.7.1\` (the index is \`rocm5.7\`) cannot be installed: pip reports "No matching distribution" after searching every index.

## Example
\`\`\`text
--index-url https://download.pytorch.org/whl/rocm5.7.1
torch==2.3.1+rocm5.7.1
\`\`\`

## Fix
Replaces the variant with the nearest one published for that release (same CUDA/ROCm family; \`rocm5.7.1\` → \`rocm5.7\`), in the tag or in the index URL.

## Fix safety
*Changes what is installed* (applied by \`--fix --unsafe-fixes\`) when the published variant differs only by a patch part (\`rocm5.7.1\` → \`rocm5.7\`) and the pin carries no \`--hash\`; moving to another CUDA or ROCm minor changes the runtime you depend on and is *manual*.

## Sources
- PyTorch's previous-versions page (its source at a commit): https://github.com/pytorch/pytorch.github.io/blob/e3f009bbc0d7509ed5c85b633313ec72aa2d1a40/_get_started/previous-versions.md
- https://github.com/pytorch/test-infra/pull/8498
`,
  },
  check,
);

function check(context: RuleContext): void {
  const kb = torchKnowledge(context.kb);
  if (!kb) return;
  // Installed builds were published by definition, and pip records no index: only declared pins are judged.
  for (const env of declaredEnvironments(context.project)) {
    for (const pkg of torchFamily) {
      for (const req of pinsOf(env, pkg)) checkPin(context, req, pkg);
    }
    for (const index of pytorchIndexes(indexesInEffect(env), context.kb)) {
      const variant = index.pytorch.variant;
      const nightly = index.pytorch.nightly;
      if (variant === null || kb.isKnownIndexVariant(variant, nightly)) continue;
      const span = variantSpanInFile(context.project, index) ?? index.span;
      const nearest = kb.variantFamily(variant) ? nearestVariant(kb, variant, kb.indexVariants(nightly)) : null;
      const fixes: Fix[] = [];
      if (nearest && index.pytorch.variantOffset && span !== index.span) {
        fixes.push({ title: `Use the ${nearest.variant} index`, edits: [{ file: index.file, span, text: nearest.variant }], applicability: nearest.samePrefix ? 'changes-installed' : 'manual' });
      }
      context.report({
        message: `PyTorch has no ${nightly ? 'nightly ' : ''}\`${variant}\` wheel index: \`${index.url}\` does not exist${nearest ? `; the nearest published variant is \`${nearest.variant}\`` : ''}.`,
        file: index.file,
        span,
        fixes,
      });
    }
  }

  function checkPin(context: RuleContext, req: Requirement, pkg: (typeof torchFamily)[number]): void {
    const tag = localTag(req);
    const version = exactVersion(req);
    const kind = tag ? kb!.variantFamily(tag) : null;
    if (!tag || !version || !kind) return;
    const found = kb!.releaseOf(pkg, version);
    // A row whose list does not cover this family (XPU before 2.5.0) cannot say the tag is missing.
    const row = found && kb!.rowCoversFamily(found, kind) ? found : undefined;
    const span = localTagSpan(req);
    const caveat = hashCaveat(req);
    const fixFor = (published: readonly string[]): Fix[] => {
      const nearest = nearestVariant(kb!, tag, published);
      if (!nearest || !span) return [];
      return [{ title: `Use +${nearest.variant}${caveat.suffix}`, edits: [{ file: req.file, span, text: nearest.variant }], applicability: nearest.samePrefix && !caveat.stale ? 'changes-installed' : 'manual' }];
    };
    if (row) {
      if (row.variants.includes(tag)) return;
      context.report({
        message: `${pkg} ${version} was never published as \`+${tag}\`; its wheels are ${row.variants.map((v) => `+${v}`).join(', ')} (torch ${row.torch}).`,
        file: req.file,
        span: span ?? req.specifierSpan ?? req.span,
        fixes: fixFor(row.variants),
      });
      return;
    }
    if (!kb!.isKnownIndexVariant(tag, parseVersion(version)?.isDevrelease ?? false)) {
      context.report({
        message: `${describePin(req)}: PyTorch never published a \`${tag}\` variant, so no index serves this wheel.`,
        file: req.file,
        span: span ?? req.specifierSpan ?? req.span,
        fixes: fixFor(kb!.indexVariants()),
      });
    }
  }
}
