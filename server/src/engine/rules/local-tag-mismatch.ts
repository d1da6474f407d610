import { torchFamily, torchKnowledge } from '../kb/torch';
import type { Requirement } from '../model';
import { defineRule } from './define';
import { indexesInEffect, pytorchIndexes } from './support/indexes';
import { canInstallTogether, describePin, hashCaveat, localTag, localTagSpan, pinsOf } from './support/pins';
import { variantKind } from './support/variants';
import type { RuleContext } from './types';

export const localTagMismatch = defineRule(
  {
    id: 'local-tag-mismatch',
    defaultLevel: 'error',
    summary: 'torch-family local tags that differ (`+cu118` beside `+cu121`, `+cpu` beside `+rocm6.0`).',
    fixable: true,
    status: 'active',
    docs: `## What it does
Reports torch, torchvision and torchaudio pins in one environment whose local tags (the \`+cu121\`, \`+rocm5.7\`, \`+cpu\` after the version) name different wheel variants. Pins under mutually exclusive markers are judged separately; pins without a tag are not compared.

## Why it matters
The variants are separate builds against separate runtimes. A \`+cu118\` torchvision beside a \`+cu121\` torch loads two CUDA runtimes or fails to load its kernels; \`+cpu\` beside \`+rocm6.0\` silently loses the GPU. pip cannot satisfy them from one index anyway.

## Example
\`\`\`text
--index-url https://download.pytorch.org/whl/cu121
torch==2.3.1+cu121
torchvision==0.18.1+cu118
\`\`\`

## Fix
Aligns the odd tag with the variant of the PyTorch index in effect, or with torch's tag when no index decides.

## Fix safety
Safe: only the tag changes. A pin with \`--hash\` values keeps hashes for the old wheel, so that fix says so in its title and is not applied automatically.

## Sources
- https://pytorch.org/get-started/previous-versions/
- https://peps.python.org/pep-0440/#local-version-identifiers
`,
  },
  check,
);

interface Tagged {
  req: Requirement;
  tag: string;
}

function check(context: RuleContext): void {
  const kb = torchKnowledge(context.kb);
  if (!kb) return;
  for (const env of context.project.environments) {
    const tagged: Tagged[] = [];
    for (const pkg of torchFamily) {
      for (const req of pinsOf(env, pkg)) {
        const tag = localTag(req);
        // A variant PyTorch never served (`+rocm5.7.1`) is unknown-wheel-variant's finding, not a second one here.
        if (tag && variantKind(tag) && kb.isKnownIndexVariant(tag)) tagged.push({ req, tag });
      }
    }
    if (tagged.length < 2) continue;
    const indexVariants = new Set(
      pytorchIndexes(indexesInEffect(env))
        .map((i) => i.pytorch.variant)
        .filter((v): v is string => v !== null),
    );
    for (const pin of tagged) {
      const peers = tagged.filter((p) => p !== pin && canInstallTogether(context.project, [p.req, pin.req]));
      const differing = peers.filter((p) => p.tag !== pin.tag);
      if (differing.length === 0) continue;
      // Which tag is right: the one the index serves, else torch's, else the most common.
      const peerSet = new Set(peers);
      const group = tagged.filter((p) => p === pin || peerSet.has(p));
      const target = pickTarget(group, indexVariants);
      if (target === null || target === pin.tag) continue;
      const anchor = group.find((p) => p.tag === target)!;
      const span = localTagSpan(pin.req);
      const caveat = hashCaveat(pin.req);
      const reason = indexVariants.has(target) ? `the PyTorch index in effect serves \`${target}\`` : `${describePin(anchor.req)} is \`${target}\``;
      context.report({
        message: `${describePin(pin.req)} is built for \`${pin.tag}\` but ${reason}: every torch-family wheel of one environment must come from the same variant.`,
        file: pin.req.file,
        span: span ?? pin.req.specifierSpan ?? pin.req.span,
        related: [{ file: anchor.req.file, span: localTagSpan(anchor.req) ?? anchor.req.span, message: `${describePin(anchor.req)} is pinned here` }],
        fixes: span ? [{ title: `Change the local tag to +${target}${caveat.suffix}`, edits: [{ file: pin.req.file, span, text: target }], safe: !caveat.stale }] : [],
      });
    }
  }
}

function pickTarget(group: Tagged[], indexVariants: Set<string>): string | null {
  const tags = [...new Set(group.map((p) => p.tag))];
  const served = tags.filter((t) => indexVariants.has(t));
  if (served.length === 1) return served[0]!;
  const torch = group.find((p) => p.req.normalizedName === 'torch');
  if (torch) return torch.tag;
  const counts = new Map<string, number>();
  for (const p of group) counts.set(p.tag, (counts.get(p.tag) ?? 0) + 1);
  const best = [...counts].sort((a, b) => b[1] - a[1]);
  if (best.length > 1 && best[0]![1] === best[1]![1]) return group[0]!.tag;
  return best[0]![0];
}
