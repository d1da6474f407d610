import { declaredEnvironments } from '../installed';
import type { Fix, RelatedLocation } from '../findings';
import { torchFamily, torchKnowledge, type TorchView } from '../kb/torch';
import type { Requirement } from '../model';
import type { Environment } from '../project';
import { parseVersion } from '../versions';
import { defineRule } from './define';
import { indexesInEffect, pytorchIndexes, requirementIndexes, usesNoIndex, variantSpanInFile, type IndexInEffect } from './support/indexes';
import { describePin, exactVersion, hashCaveat, localTag, localTagSpan, pinsOf } from './support/pins';
import type { RuleContext } from './types';

export const indexVariantMismatch = defineRule(
  {
    id: 'index-variant-mismatch',
    defaultLevel: 'error',
    summary: 'A local tag whose variant disagrees with the PyTorch index in effect, or a local-tag pin with no PyTorch index at all.',
    fixable: true,
    status: 'active',
    docs: `## What it does
Compares the local tag of each torch, torchvision and torchaudio pin with the PyTorch indexes in effect for its environment (\`--index-url\`, \`--extra-index-url\`, \`--find-links\`, from the file or any file it includes; a package's own \`[tool.uv.sources]\` index wins). It reports:
- a tag no PyTorch index in effect serves (\`+cu118\` with \`/whl/cu121\`);
- a tagged pin with no PyTorch index at all: PyPI has no \`+cu118\` wheels;
- an untagged exact pin whose only index is a PyTorch variant that never got that release (\`torch==2.5.0\` with \`--index-url …/whl/cu126\`).
The legacy \`-f https://download.pytorch.org/whl/torch_stable.html\` page serves every variant and satisfies any tag; a custom mirror is assumed to serve what it is asked for. Nightly indexes (\`/whl/nightly/<variant>\`) count like stable ones for the tag; a development build (\`2.6.0.dev20241001+cu124\`) with no PyTorch index is pointed at the nightly index, the only one that serves it.

## Why it matters
pip looks for the exact version, tag included, on the indexes it is given. A tag the index does not serve fails with "No matching distribution found", usually after a long resolver search, and only on the machine that installs.

## Example
\`\`\`text
--index-url https://download.pytorch.org/whl/cu121
torch==2.3.1+cu118
\`\`\`

## Fix
Change the local tag to the index's variant (offered first), or the index URL to the tag's variant (offered second). For a tagged pin with no PyTorch index, add \`--extra-index-url https://download.pytorch.org/whl/<variant>\` (\`/whl/nightly/<variant>\` for a development build) at the top of the requirements file; in pyproject.toml or a script the message says what to add. A URL fix keeps \`/nightly/\`.

## Fix safety
Changing the tag *changes what is installed* (applied by \`--fix --unsafe-fixes\`) when that release was published for the index's variant and the pin has no \`--hash\`; otherwise it is *manual*. Changing or adding an index affects every package of the environment: *manual*, never applied in bulk.

## Sources
- PyTorch's previous-versions page (its source at a commit): https://github.com/pytorch/pytorch.github.io/blob/e3f009bbc0d7509ed5c85b633313ec72aa2d1a40/_get_started/previous-versions.md
- https://pip.pypa.io/en/24.2/cli/pip_install/#finding-packages
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
      for (const req of pinsOf(env, pkg)) {
        const own = requirementIndexes(req);
        checkPin(context, kb, env, req, own.length > 0 ? own : indexesInEffect(env, req));
      }
    }
  }
}

function checkPin(context: RuleContext, kb: TorchView, env: Environment, req: Requirement, indexes: readonly IndexInEffect[]): void {
  const tag = localTag(req);
  const version = exactVersion(req);
  const pytorch = pytorchIndexes(indexes, context.kb);
  if (pytorch.some((i) => i.pytorch.variant === null)) return; // torch_stable.html serves every variant
  const caveat = hashCaveat(req);

  if (tag) {
    // Development builds (`2.6.0.dev20241001+cu124`) live on the nightly index only.
    const nightly = version !== null && (parseVersion(version)?.isDevrelease ?? false);
    if (!kb.variantFamily(tag) || !kb.isKnownIndexVariant(tag, nightly)) return; // unknown-wheel-variant reports it
    if (pytorch.length === 0) {
      // A mirror or a local wheel folder may serve it.
      if (indexes.some((i) => !kb.isPypiIndex(i.url)) || usesNoIndex(env, req)) return;
      const url = kb.indexUrl(tag, nightly);
      context.report({
        message: `${describePin(req)} has a local tag but no PyTorch index is in effect: PyPI has no \`+${tag}\` wheels, so pip cannot find it. Add \`--extra-index-url ${url}\`${nightly ? ' (a development build is served by the nightly index only)' : ''}.`,
        file: req.file,
        span: localTagSpan(req) ?? req.specifierSpan ?? req.span,
        // A first line is pip syntax only in a requirements file (not in pyproject.toml or a script).
        fixes:
          context.project.parsed.get(env.rootFile)?.kind === 'requirements'
            ? [{ title: `Add --extra-index-url ${url} to ${env.rootFile}`, edits: [{ file: env.rootFile, span: { start: 0, end: 0 }, text: `--extra-index-url ${url}\n` }], applicability: 'manual' }]
            : [],
      });
      return;
    }
    const { variants, related } = summarize(pytorch);
    if (variants.includes(tag)) return;
    const span = localTagSpan(req) ?? req.specifierSpan ?? req.span;
    const fixes: Fix[] = [];
    if (variants.length === 1) {
      const target = variants[0]!;
      const row = version ? kb.releaseOf(req.normalizedName as 'torch', version) : undefined;
      const published = row?.variants.includes(target) ?? false;
      const tagSpan = localTagSpan(req);
      if (tagSpan && kb.variantFamily(target)) {
        fixes.push({ title: `Change the local tag to +${target}${caveat.suffix}`, edits: [{ file: req.file, span: tagSpan, text: target }], applicability: published && !caveat.stale ? 'changes-installed' : 'manual' });
      }
      const only = pytorch[0]!;
      const urlSpan = pytorch.length === 1 ? variantSpanInFile(context.project, only) : null;
      if (urlSpan) fixes.push({ title: `Change the index URL to ${kb.indexUrl(tag, only.pytorch.nightly)}`, edits: [{ file: only.file, span: urlSpan, text: tag }], applicability: 'manual' });
    }
    context.report({
      message: `${describePin(req)} is a \`${tag}\` wheel, but the PyTorch ${pytorch.length === 1 ? 'index' : 'indexes'} in effect serve${pytorch.length === 1 ? 's' : ''} ${variants.map((v) => `\`${v}\``).join(', ')}: pip will not find it there.`,
      file: req.file,
      span,
      related,
      fixes,
    });
    return;
  }

  // Untagged exact pin served only by PyTorch variant indexes that never got this release.
  if (!version || pytorch.length === 0 || pytorch.length !== indexes.length) return;
  if (!indexes.some((i) => i.kind === 'index-url')) return; // PyPI is still in play
  const row = kb.releaseOf(req.normalizedName as 'torch', version);
  if (!row) return;
  // A row whose list does not cover the index's family (XPU before 2.5.0) cannot say the release is missing there.
  const stable = pytorch.filter((i) => !i.pytorch.nightly && kb.rowCoversFamily(row, kb.variantFamily(i.pytorch.variant!) ?? ''));
  if (stable.length === 0) return;
  if (stable.some((i) => row.variants.includes(i.pytorch.variant!))) return;
  const variants = [...new Set(stable.map((i) => i.pytorch.variant!))];
  context.report({
    message: `${describePin(req)} is not on the PyTorch ${variants.map((v) => `\`${v}\``).join(', ')} index in effect: ${req.normalizedName} ${version} was published for ${row.variants.join(', ')} only.`,
    file: req.file,
    span: req.specifierSpan ?? req.span,
    related: stable.map((i) => ({ file: i.file, span: i.span, message: `PyTorch index (${i.pytorch.variant})` })),
  });
}

type PytorchIndexes = ReturnType<typeof pytorchIndexes>;
const summaries = new WeakMap<PytorchIndexes, { variants: string[]; related: RelatedLocation[] }>();

/** The variants the PyTorch indexes serve and one related location per distinct URL, computed once per index list. */
function summarize(pytorch: PytorchIndexes): { variants: string[]; related: RelatedLocation[] } {
  let summary = summaries.get(pytorch);
  if (!summary) {
    const seen = new Set<string>();
    const related: RelatedLocation[] = [];
    for (const i of pytorch) {
      if (seen.has(i.url)) continue;
      seen.add(i.url);
      related.push({ file: i.file, span: i.span, message: `PyTorch index (${i.pytorch.variant})` });
    }
    summary = { variants: [...new Set(pytorch.map((i) => i.pytorch.variant!))], related };
    summaries.set(pytorch, summary);
  }
  return summary;
}
