import { safeCompare, torchFamily, torchKnowledge, type TorchFamilyPackage, type TorchView } from '../kb/torch';
import type { KnowledgeBase } from '../kb/types';
import type { Requirement } from '../model';
import type { Environment } from '../project';
import { defineRule } from './define';
import { indexesInEffect, pytorchIndexes, requirementIndexes } from './support/indexes';
import { canInstallTogether, describePin, exactVersion, hashCaveat, localTag, localTagSpan, pinsOf } from './support/pins';
import type { RuleContext } from './types';

export const localTagMismatch = defineRule(
  {
    id: 'local-tag-mismatch',
    defaultLevel: 'error',
    summary: 'torch-family local tags that differ (`+cu118` beside `+cu121`, `+cpu` beside `+rocm6.0`).',
    fixable: true,
    status: 'active',
    docs: `## What it does
Reports torch, torchvision and torchaudio pins in one environment whose local tags (the \`+cu121\`, \`+rocm5.7\`, \`+cpu\` after the version) name different wheel variants. Pins under mutually exclusive markers are judged separately; pins without a tag are not compared. When a PyTorch index is in effect and does not serve the odd tag, \`index-variant-mismatch\` reports that pin instead, with the same fix: one problem, one finding. A torchaudio from 2.11.1 on checks only the CUDA major against torch's, so \`torchaudio==2.11.1+cu130\` beside \`torch==2.13.0+cu132\` is accepted (there are no cu132 torchaudio wheels). In a conda environment file, the variant conda installs PyTorch for (\`pytorch-cuda=11.8\` is \`cu118\`, \`cpuonly\` is \`cpu\`, or a pytorch build string such as \`*cuda11.8*\`) is the variant every tagged pin of its \`pip:\` section must have.

## Why it matters
The variants are separate builds against separate runtimes. A \`+cu118\` torchvision beside a \`+cu121\` torch loads two CUDA runtimes or fails to load its kernels; \`+cpu\` beside \`+rocm6.0\` silently loses the GPU. pip cannot satisfy them from one index anyway.

## Example
\`\`\`text
--extra-index-url https://download.pytorch.org/whl/cu121
--extra-index-url https://download.pytorch.org/whl/cu118
torch==2.3.1+cu121
torchvision==0.18.1+cu118
\`\`\`

## Fix
Aligns the odd tag with the variant of the PyTorch index in effect when exactly one of the tags is served, otherwise with torch's tag (or the most common one).

## Fix safety
*Changes what is installed* (applied by \`--fix --unsafe-fixes\`): only the tag changes (against a conda environment's variant, only where the PyTorch index in effect serves that variant). A pin with \`--hash\` values keeps hashes for the old wheel, so that fix says so in its title and is *manual*.

## Sources
- PyTorch's previous-versions page (its source at a commit): https://github.com/pytorch/pytorch.github.io/blob/e3f009bbc0d7509ed5c85b633313ec72aa2d1a40/_get_started/previous-versions.md
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
        if (tag && kb.variantFamily(tag) && kb.isKnownIndexVariant(tag)) tagged.push({ req, tag });
      }
    }
    // A variant the environment's file chooses outside pip (conda `pytorch-cuda=11.8`) is what every tag must match.
    const chosen = env.variant && kb.variantFamily(env.variant.tag) && kb.isKnownIndexVariant(env.variant.tag) ? env.variant : undefined;
    if (chosen) {
      checkAgainstChosen(context, kb, env, tagged, chosen);
      continue;
    }
    if (tagged.length < 2) continue;
    const indexVariants = new Set(
      pytorchIndexes(indexesInEffect(env), context.kb)
        .map((i) => i.pytorch.variant)
        .filter((v): v is string => v !== null),
    );
    // Pins under one marker have the same peers: judge each marker class once (linear in the pins).
    const classes = new Map<string, Tagged[]>();
    for (const pin of tagged) {
      const key = pin.req.marker ?? '';
      const list = classes.get(key);
      if (list) list.push(pin);
      else classes.set(key, [pin]);
    }
    const classList = [...classes.values()];
    const order = new Map(tagged.map((p, i) => [p, i]));
    for (const own of classList) {
      const group = classList
        .filter((other) => canInstallTogether(context.project, [own[0]!.req, other[0]!.req]))
        .flat()
        .sort((a, b) => order.get(a)! - order.get(b)!);
      if (!group.includes(own[0]!) || new Set(group.map((p) => p.tag)).size < 2) continue;
      // Which tag is right: the one the index serves, else torch's, else the most common.
      const target = pickTarget(group, indexVariants);
      if (target === null) continue;
      const anchor = group.find((p) => p.tag === target)!;
      // Pins the index in effect does not serve are skipped below, so the reason is always the other pin.
      const reason = `${describePin(anchor.req)} is \`${target}\``;
      for (const pin of own) {
        // A tag the PyTorch index in effect does not serve is index-variant-mismatch's finding (same fix): one report, not two.
        if (pin.tag === target || notServed(env, pin.req, pin.tag, context.kb) || toleratesTarget(kb, pin, target)) continue;
        const span = localTagSpan(pin.req);
        const caveat = hashCaveat(pin.req);
        context.report({
          message: `${describePin(pin.req)} is built for \`${pin.tag}\` but ${reason}: every torch-family wheel of one environment must come from the same variant.`,
          file: pin.req.file,
          span: span ?? pin.req.specifierSpan ?? pin.req.span,
          related: [{ file: anchor.req.file, span: localTagSpan(anchor.req) ?? anchor.req.span, message: `${describePin(anchor.req)} is pinned here` }],
          fixes: span ? [{ title: `Change the local tag to +${target}${caveat.suffix}`, edits: [{ file: pin.req.file, span, text: target }], applicability: caveat.stale ? 'manual' : 'changes-installed' }] : [],
        });
      }
    }
  }
}

/** Each tagged pin built for another variant than the one its environment's file chooses. */
function checkAgainstChosen(context: RuleContext, kb: TorchView, env: Environment, tagged: Tagged[], chosen: NonNullable<Environment['variant']>): void {
  const written = context.project.sources.get(chosen.file)?.text.slice(chosen.span.start, chosen.span.end).trim() || chosen.text;
  for (const pin of tagged) {
    // A tag the PyTorch index in effect does not serve is index-variant-mismatch's finding.
    if (pin.tag === chosen.tag || notServed(env, pin.req, pin.tag, context.kb) || toleratesTarget(kb, pin, chosen.tag)) continue;
    const span = localTagSpan(pin.req);
    const caveat = hashCaveat(pin.req);
    // Safe only where the PyTorch indexes in effect serve the chosen variant (or none is named): else the fix trades this finding for index-variant-mismatch's.
    const pytorch = pytorchIndexes(indexesInEffect(env, pin.req), context.kb);
    const served = pytorch.length === 0 || pytorch.some((i) => i.pytorch.variant === null || i.pytorch.variant === chosen.tag);
    context.report({
      message: `${describePin(pin.req)} is built for \`${pin.tag}\` but \`${written}\` makes this environment's PyTorch \`${chosen.tag}\`: every torch-family build of one environment must be the same variant.`,
      file: pin.req.file,
      span: span ?? pin.req.specifierSpan ?? pin.req.span,
      related: [{ file: chosen.file, span: chosen.span, message: `\`${written}\` chooses \`${chosen.tag}\`` }],
      fixes: span ? [{ title: `Change the local tag to +${chosen.tag}${caveat.suffix}`, edits: [{ file: pin.req.file, span, text: chosen.tag }], applicability: served && !caveat.stale ? 'changes-installed' : 'manual' }] : [],
    });
  }
}

/**
 * Whether a stable-ABI torchaudio loads beside the target's build anyway: from 2.11.1 on it checks only
 * the CUDA major (`+cu130` beside torch `+cu132`; torchaudio has no cu132 wheels at all).
 */
function toleratesTarget(kb: TorchView, pin: Tagged, target: string): boolean {
  const version = exactVersion(pin.req);
  const pkg = pin.req.normalizedName as TorchFamilyPackage;
  const line = version ? kb.stableAbiLineOf(pkg, version) : undefined;
  if (!line?.sameCudaMajorFrom || safeCompare(version!, line.sameCudaMajorFrom) < 0) return false;
  if (kb.variantFamily(pin.tag) !== 'cuda' || kb.variantFamily(target) !== 'cuda') return false;
  return kb.variantVersion(pin.tag)[0] === kb.variantVersion(target)[0];
}

/** Whether index-variant-mismatch reports this pin: PyTorch indexes are in effect for it and none serves its tag. */
function notServed(env: Environment, req: Requirement, tag: string, knowledge: KnowledgeBase): boolean {
  const own = requirementIndexes(req);
  const pytorch = pytorchIndexes(own.length > 0 ? own : indexesInEffect(env, req), knowledge);
  return pytorch.length > 0 && pytorch.every((i) => i.pytorch.variant !== null && i.pytorch.variant !== tag);
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
