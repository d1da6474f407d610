import type { Fix } from '../findings';
import { knowledgeDate } from '../kb/knowledge';
import { safeCompare, safeSatisfies, torchKnowledge, type StableAbiLine, type TorchFamilyPackage, type TorchRelease, type TorchView } from '../kb/torch';
import type { Requirement } from '../model';
import { defineRule } from './define';
import { canInstallTogether, describePin, exactVersion, hashCaveat, localTag, pinRange, pinsOf, publicSpecifier } from './support/pins';
import type { RuleContext } from './types';

export const torchFamilyMismatch = defineRule(
  {
    id: 'torch-family-mismatch',
    defaultLevel: 'error',
    summary: 'torch / torchvision / torchaudio pins that cannot come from one PyTorch release.',
    fixable: true,
    status: 'active',
    docs: `## What it does
Checks the torch, torchvision and torchaudio specifiers of one environment against PyTorch's release rows (\`rules/torch.yaml\`) and reports a pin that no row shared with the others satisfies. Ranges count, not only \`==\`: \`torch>=2.1,<2.2\` with \`torchvision==0.17.0\` is a mismatch, \`torch>=2.1,<2.3\` with it is not. Pins under mutually exclusive markers are judged separately. torchaudio from 2.11.0 and torchvision from 0.29.1 are built against PyTorch's stable ABI and are judged by the torch versions they support (torchaudio 2.11 installs with every torch from 2.11 on), not by release row. A pin newer than every release the knowledge base knows gets one note per package and environment, and the known side of the pair is still judged: \`torchvision==0.25.0\` is built for torch 2.10.0 whatever the torch pin says.

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
The first fix *changes what is installed* (applied by \`--fix --unsafe-fixes\` or with \`pinwise.fixAll.includePinChanges\`, never by plain \`--fix\`) when torch names one exact version and the pin carries no \`--hash\`; a pin with hashes keeps its old hashes, so the fix says so in its title and is *manual*. Changing torch (the second fix) is always *manual*: it changes what the project is built on.

## Sources
- PyTorch's previous-versions page (its source at a commit): https://github.com/pytorch/pytorch.github.io/blob/e3f009bbc0d7509ed5c85b633313ec72aa2d1a40/_get_started/previous-versions.md
- https://github.com/pytorch/pytorch/blob/v2.14.0/RELEASE.md#release-compatibility-matrix
- https://docs.pytorch.org/audio/2.11.0/installation.html
- https://github.com/pytorch/vision/releases/tag/v0.29.1
`,
  },
  check,
);

/** A known release of a pin's package the pin allows: a release row, or a version of a stable-ABI line. */
interface Candidate {
  version: string;
  row?: TorchRelease;
  line?: StableAbiLine;
}

interface Pin {
  pkg: TorchFamilyPackage;
  req: Requirement;
  /** Known releases the specifier allows, newest first; for a torch pin the data does not list, its own version. */
  candidates: Candidate[];
}

/**
 * Pins that read the same in a message, allow the same candidates and carry the same marker:
 * one judgement holds for all of them. A file repeating one stack thousands of times has a
 * handful of classes, so the rule is linear in pins, not quadratic.
 */
interface PinClass {
  pins: Pin[];
  /** Same for every class whose findings read the same (the marker aside). */
  messageKey: string;
}

/**
 * Marker questions asked per environment. Only distinct markers make classes multiply (each
 * pair asks the marker solver); past this many the rest is not judged and a note says so.
 */
export const maxMarkerPairs = 20_000;

function classesOf(pins: Pin[]): PinClass[] {
  const byKey = new Map<string, PinClass>();
  for (const pin of pins) {
    const candidates = pin.candidates.map((c) => `${c.version}/${c.row?.torch ?? ''}/${c.line?.torch ?? ''}`).join(',');
    const messageKey = `${describePin(pin.req)}\0${candidates}`;
    const key = `${messageKey}\0${pin.req.marker ?? ''}`;
    const known = byKey.get(key);
    if (known) known.pins.push(pin);
    else byKey.set(key, { pins: [pin], messageKey });
  }
  return [...byKey.values()];
}

function check(context: RuleContext): void {
  const kb = torchKnowledge(context.kb);
  if (!kb) return;
  const date = knowledgeDate(context.kb);
  // One specifier recurs in every environment that includes its file or group: match it once.
  const matched = new Map<string, Candidate[]>();
  const candidatesFor = (pkg: TorchFamilyPackage, req: Requirement): Candidate[] => {
    const key = `${pkg}\0${publicSpecifier(req)}`;
    if (!matched.has(key)) matched.set(key, candidatesOf(kb, pkg, req));
    return matched.get(key)!;
  };
  for (const env of context.project.environments) {
    const noted = new Set<TorchFamilyPackage>();
    const pins = (pkg: TorchFamilyPackage): Pin[] => {
      const out: Pin[] = [];
      for (const req of pinsOf(env, pkg)) {
        if (req.clauses.length === 0) continue;
        const candidates = candidatesFor(pkg, req);
        if (candidates.length === 0 && !noted.has(pkg) && beyondKnowledge(kb, pkg, req)) {
          noted.add(pkg);
          noteBeyond(context, pkg, req, date);
        }
        if (candidates.length > 0) out.push({ pkg, req, candidates });
        // A torch version the data does not list is still held against the known side of the pair:
        // torchvision 0.25.0 is built for torch 2.10.0 whatever the torch pin says.
        else if (pkg === 'torch') {
          const own = ownVersion(req);
          if (own) out.push({ pkg, req, candidates: [{ version: own }] });
        }
      }
      return out;
    };
    const torch = pins('torch');
    const vision = pins('torchvision');
    const audio = pins('torchaudio');
    // torch anchors torchvision and torchaudio; without torch, torchvision anchors torchaudio.
    const [anchors, others] = torch.length > 0 ? [torch, [...vision, ...audio]] : [vision, audio];
    const anchorClasses = classesOf(anchors);
    let budget = maxMarkerPairs;
    for (const other of classesOf(others)) {
      // An anchor that reads like one already reported would only repeat that finding.
      const reported = new Set<string>();
      for (const anchor of anchorClasses) {
        if (reported.has(anchor.messageKey)) continue;
        const [a, o] = [anchor.pins[0]!, other.pins[0]!];
        if (a.candidates.some((x) => o.candidates.some((y) => compatible(x, a.pkg, y, o.pkg)))) continue;
        if (a.req.marker || o.req.marker) {
          if (budget-- <= 0) return reportBudget(context, env.rootFile, anchorClasses.length, a.pkg);
          if (!canInstallTogether(context.project, [a.req, o.req])) continue;
        }
        reported.add(anchor.messageKey);
        // Pins of one class share the message: the first anchor of the class is the related location.
        for (const pin of other.pins) judge(context, kb, a, pin);
      }
    }
  }
}

function reportBudget(context: RuleContext, file: string, anchors: number, anchorPkg: TorchFamilyPackage): void {
  context.report({
    level: 'note',
    file,
    span: { start: 0, end: 0 },
    message:
      `Not every torch-family pair of this environment was checked: its ${anchors} ${anchorPkg} pins with different markers ` +
      `need more than ${maxMarkerPairs} marker comparisons, the budget of this check. The pairs left may hide a mismatch.`,
  });
}

/** The known releases a pin allows: lockstep rows, then the versions of a stable-ABI line (which wins over a row). */
function candidatesOf(kb: TorchView, pkg: TorchFamilyPackage, req: Requirement): Candidate[] {
  const spec = publicSpecifier(req);
  const rows: Candidate[] = kb
    .releasesMatching(pkg, spec)
    .filter((row) => pkg === 'torch' || !kb.stableAbiLineOf(pkg, row[pkg]!))
    .map((row) => ({ version: row[pkg]!, row }));
  const lines: Candidate[] = pkg === 'torch' ? [] : kb.stableAbiReleasesMatching(pkg, spec).map(({ version, line }) => ({ version, line }));
  return [...rows, ...lines].sort((a, b) => safeCompare(b.version, a.version));
}

/** The version a pin names (`==X`) or starts from (`>=X`), or null. */
function ownVersion(req: Requirement): string | null {
  const exact = exactVersion(req);
  if (exact) return exact;
  const range = pinRange(req);
  return range.empty || !range.lower ? null : range.lower.version;
}

/** Whether the pin asks only for releases newer than every one the data knows. */
function beyondKnowledge(kb: TorchView, pkg: TorchFamilyPackage, req: Requirement): boolean {
  const newest = kb.newestKnown(pkg);
  const range = pinRange(req);
  if (!newest || range.empty || !range.lower) return false;
  const c = safeCompare(range.lower.version, newest);
  return c > 0 || (c === 0 && !range.lower.inclusive);
}

function noteBeyond(context: RuleContext, pkg: TorchFamilyPackage, req: Requirement, date: string | null): void {
  const exact = exactVersion(req);
  const what = exact ? `${pkg} ${exact} is` : `${describePin(req)} asks for`;
  context.report({
    level: 'note',
    message: `${what} ${exact ? '' : 'a release '}newer than Pinwise's knowledge (current to ${date ?? 'an unknown date'}); not checked.`,
    file: req.file,
    span: req.specifierSpan ?? req.span,
  });
}

/** The torch versions a candidate installs with: exact ones, or the specifier of its stable-ABI line. */
function torchOf(candidate: Candidate, pkg: TorchFamilyPackage): { exact: string } | { spec: string } {
  if (candidate.line) return { spec: candidate.line.torch };
  return { exact: pkg === 'torch' ? candidate.version : candidate.row!.torch };
}

/** Whether two candidates (of different packages) can come from one environment. */
function compatible(a: Candidate, aPkg: TorchFamilyPackage, b: Candidate, bPkg: TorchFamilyPackage): boolean {
  const ta = torchOf(a, aPkg);
  const tb = torchOf(b, bPkg);
  if ('exact' in ta && 'exact' in tb) return safeCompare(ta.exact, tb.exact) === 0;
  if ('exact' in ta) return safeSatisfies(ta.exact, (tb as { spec: string }).spec);
  if ('exact' in tb) return safeSatisfies(tb.exact, ta.spec);
  // Two open-ended stable-ABI lines (`>=2.11`, `>=2.14`) always meet at some torch.
  return true;
}

function versionsList(versions: string[]): string {
  const unique = [...new Set(versions)];
  if (unique.length <= 1) return unique.join('');
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

/** What the candidates of a pin are built for, in terms of the anchor's package (torch for a stable-ABI line). */
function builtForText(candidates: Candidate[], anchorPkg: TorchFamilyPackage): string {
  const exact: string[] = [];
  const other: string[] = [];
  for (const c of candidates) {
    const version = c.row?.[anchorPkg];
    if (c.line) other.push(`torch ${c.line.torch}`);
    else if (version) exact.push(version);
    else other.push(`torch ${c.row!.torch}`);
  }
  return [exact.length > 0 ? `${anchorPkg} ${versionsList(exact)}` : '', ...new Set(other)].filter((t) => t !== '').join(' or ');
}

function judge(context: RuleContext, kb: TorchView, anchor: Pin, other: Pin): void {
  if (anchor.candidates.some((a) => other.candidates.some((o) => compatible(a, anchor.pkg, o, other.pkg)))) return;
  // Oldest first reads better in "needs 0.16.0, 0.16.1 or 0.16.2".
  const anchorOldest = [...anchor.candidates].reverse();
  const otherOldest = [...other.candidates].reverse();
  const known = anchor.candidates.some((a) => a.row || a.line);
  // What the anchor's releases take of the other package: their rows, and stable-ABI versions they satisfy.
  const wantedSet = new Set<string>();
  if (known) {
    for (const a of anchorOldest) {
      const inRow = a.row?.[other.pkg];
      if (inRow && !kb.stableAbiLineOf(other.pkg, inRow)) wantedSet.add(inRow);
      for (const { version, line } of kb.stableAbiReleasesMatching(other.pkg, '')) if (compatible(a, anchor.pkg, { version, line }, other.pkg)) wantedSet.add(version);
    }
  }
  const wanted = [...wantedSet].sort(safeCompare);
  const verb = new Set(other.candidates.map((c) => c.version)).size > 1 ? 'are' : 'is';
  const message =
    `${describePin(other.req)} cannot install with ${describePin(anchor.req)}: ` +
    `${other.pkg} ${versionsList(otherOldest.map((c) => c.version))} ${verb} built for ${builtForText(otherOldest, anchor.pkg)}` +
    (wanted.length > 0 ? `; ${describePin(anchor.req)} needs ${other.pkg} ${versionsList(wanted)}.` : '.');
  // The version of the anchor's package the other pin's newest release takes.
  const newestOther = other.candidates[0]!;
  const anchorTarget = newestOther.row?.[anchor.pkg] ?? (anchor.pkg === 'torch' && newestOther.line ? kb.releasesMatching('torch', newestOther.line.torch)[0]?.torch : undefined);
  context.report({
    message,
    file: other.req.file,
    span: other.req.specifierSpan ?? other.req.span,
    related: [
      {
        file: anchor.req.file,
        span: anchor.req.specifierSpan ?? anchor.req.span,
        message: anchor.req.preinstalled ? `${anchor.pkg} ${exactVersion(anchor.req) ?? anchor.req.specifier} is preinstalled by this base image` : `${describePin(anchor.req)} is pinned here`,
      },
    ],
    fixes: [
      wanted.length > 0 ? setVersion(other, wanted[wanted.length - 1]!, anchor.candidates.length === 1 && wanted.length === 1, kb) : null,
      anchorTarget ? setVersion(anchor, anchorTarget, false, kb) : null,
    ].filter((f): f is Fix => f !== null),
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
    applicability: exactTarget && pin.pkg !== 'torch' && !caveat.stale && tagPublished && pinned !== null ? 'changes-installed' : 'manual',
  };
}
