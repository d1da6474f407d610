import type { Fix } from '../findings';
import { torchKnowledge, type TorchFamilyPackage, type TorchRelease, type TorchView } from '../kb/torch';
import type { Requirement } from '../model';
import { defineRule } from './define';
import { canInstallTogether, describePin, exactVersion, hashCaveat, localTag, pinsOf, publicSpecifier } from './support/pins';
import type { RuleContext } from './types';

export const torchFamilyMismatch = defineRule(
  {
    id: 'torch-family-mismatch',
    defaultLevel: 'error',
    summary: 'torch / torchvision / torchaudio pins that cannot come from one PyTorch release.',
    fixable: true,
    status: 'active',
    docs: `## What it does
Checks the torch, torchvision and torchaudio specifiers of one environment against PyTorch's release rows (\`rules/torch.yaml\`) and reports a pin that no row shared with the others satisfies. Ranges count, not only \`==\`: \`torch>=2.1,<2.2\` with \`torchvision==0.17.0\` is a mismatch, \`torch>=2.1,<2.3\` with it is not. Pins under mutually exclusive markers are judged separately. A version newer than the knowledge base is not judged.

## Why it matters
Each torchvision and torchaudio release is built against exactly one torch release. pip installs a mismatched trio, or quietly swaps torch for another version, and the result fails at import (\`undefined symbol\`, \`operator torchvision::nms does not exist\`).

## Example
\`\`\`text
--index-url https://download.pytorch.org/whl/rocm5.7
torch==2.3.1+rocm5.7
torchvision==0.17.0+rocm5.7   # 0.17.0 is built for torch 2.2.0; torch 2.3.1 needs 0.18.1
\`\`\`

## Fix
Set torchvision / torchaudio to the version of torch's release row (offered first), or set torch to the version the other pin was built for (offered second). Local tags, markers, comments and the rest of the line are kept.

## Fix safety
The first fix is safe when torch names one exact version and the pin carries no \`--hash\`; a pin with hashes keeps its old hashes, so the fix says so in its title and is never applied automatically. Changing torch (the second fix) is never safe: it changes what the project is built on.

## Sources
- https://pytorch.org/get-started/previous-versions/
- https://github.com/pytorch/vision#installation
- https://github.com/pytorch/pytorch/blob/main/RELEASE.md#release-compatibility-matrix
`,
  },
  check,
);

interface Pin {
  pkg: TorchFamilyPackage;
  req: Requirement;
  rows: TorchRelease[];
}

function check(context: RuleContext): void {
  const kb = torchKnowledge(context.kb);
  if (!kb) return;
  for (const env of context.project.environments) {
    const pins = (pkg: TorchFamilyPackage): Pin[] =>
      pinsOf(env, pkg)
        .filter((req) => req.clauses.length > 0)
        .map((req) => ({ pkg, req, rows: kb.releasesMatching(pkg, publicSpecifier(req)) }))
        // A specifier no known row satisfies is outside what we know (newer release, typo): not judged here.
        .filter((pin) => pin.rows.length > 0);
    const torch = pins('torch');
    const others = [...pins('torchvision'), ...pins('torchaudio')];
    if (torch.length > 0) {
      for (const anchor of torch) {
        for (const other of others) {
          if (!canInstallTogether(context.project, [anchor.req, other.req])) continue;
          judge(context, kb, anchor, other);
        }
      }
    } else {
      const vision = others.filter((p) => p.pkg === 'torchvision');
      const audio = others.filter((p) => p.pkg === 'torchaudio');
      for (const anchor of vision) {
        for (const other of audio) {
          if (!canInstallTogether(context.project, [anchor.req, other.req])) continue;
          judge(context, kb, anchor, other);
        }
      }
    }
  }
}

function versionsList(versions: string[]): string {
  const unique = [...new Set(versions)];
  if (unique.length <= 1) return unique.join('');
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function judge(context: RuleContext, kb: TorchView, anchor: Pin, other: Pin): void {
  const shared = anchor.rows.filter((r) => other.rows.includes(r));
  if (shared.length > 0) return;
  // Oldest first reads better in "needs 0.16.0, 0.16.1 or 0.16.2".
  const wanted = [...anchor.rows].reverse().map((r) => r[other.pkg]);
  const builtFor = [...other.rows].reverse().map((r) => r[anchor.pkg]);
  const message =
    `${describePin(other.req)} cannot install with ${describePin(anchor.req)}: ` +
    `${other.pkg} ${versionsList([...other.rows].reverse().map((r) => r[other.pkg]))} ${other.rows.length > 1 ? 'are' : 'is'} built for ${anchor.pkg} ${versionsList(builtFor)}; ` +
    `${describePin(anchor.req)} needs ${other.pkg} ${versionsList(wanted)}.`;
  context.report({
    message,
    file: other.req.file,
    span: other.req.specifierSpan ?? other.req.span,
    related: [{ file: anchor.req.file, span: anchor.req.specifierSpan ?? anchor.req.span, message: `${describePin(anchor.req)} is pinned here` }],
    fixes: [setVersion(other, anchor.rows[0]![other.pkg], anchor.rows.length === 1, kb), setVersion(anchor, other.rows[0]![anchor.pkg], false, kb)].filter(
      (f): f is Fix => f !== null,
    ),
  });
}

/** Sets `pin` to `version`, keeping its local tag (and everything else on the line). */
function setVersion(pin: Pin, version: string, exactTarget: boolean, kb: TorchView): Fix | null {
  const req = pin.req;
  const tag = localTag(req);
  const text = tag ? `${version}+${tag}` : version;
  const single = req.clauses.length === 1 ? req.clauses[0]! : null;
  const edit =
    single && (single.operator === '==' || single.operator === '===')
      ? { file: req.file, span: single.versionSpan, text }
      : req.specifierSpan
        ? { file: req.file, span: req.specifierSpan, text: `==${text}` }
        : null;
  if (!edit) return null;
  const caveat = hashCaveat(req);
  // The tag must exist for the new row too, or the fix trades one error for another.
  const row = kb.releaseOf(pin.pkg, version);
  const tagPublished = !tag || (row?.variants.includes(tag) ?? false);
  const pinned = exactVersion(req);
  return {
    title: `Set ${pin.pkg} to ${text}${caveat.suffix}`,
    edits: [edit],
    safe: exactTarget && pin.pkg !== 'torch' && !caveat.stale && tagPublished && pinned !== null,
  };
}
