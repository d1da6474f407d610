// The project-wide PyTorch upgrade: every torch-family pin, local tag and PyTorch index URL of every
// file moved to one release row, as edits on the written spans (everything else byte for byte). Pure.
import type { Edit } from './findings';
import { safeCompare, torchFamily, torchKnowledge, type TorchFamilyPackage, type TorchRelease } from './kb/torch';
import type { KnowledgeBase } from './kb/types';
import type { Requirement, Span } from './model';
import type { Project } from './project';
import { kindSpec } from './kinds';
import { localTag } from './rules/support/pins';
import { pytorchIndexes, variantSpanInFile, type IndexInEffect } from './rules/support/indexes';
import { plannedFor, releaseVariant, type PlannedStack } from './stack';
import { compareVersions, satisfies } from './versions';
import { retiredCondaChannels, type RetiredChannel } from './kb/conda';
import type { ParsedFile } from './model';

export interface UpgradeRequest {
  /** `2.5.1`, or `2.5` for the newest 2.5.x. */
  torch: string;
  /** A family or a variant every tag and index moves to; absent: each keeps its own where the release has it. */
  accelerator?: string;
}

export interface UpgradeNote {
  file: string;
  span: Span;
  message: string;
}

export type UpgradePlan =
  | { ok: true; target: PlannedStack; release: TorchRelease; edits: Edit[]; notes: UpgradeNote[] }
  | { ok: false; reason: string };


export function planUpgrade(project: Project, kb: KnowledgeBase, request: UpgradeRequest): UpgradePlan {
  const view = torchKnowledge(kb);
  if (!view) return { ok: false, reason: 'The knowledge base has no PyTorch data.' };
  const found = view.releases.find((r) => (request.torch.split('.').length >= 3 ? safeCompare(r.torch, request.torch) === 0 : r.torch.startsWith(`${request.torch}.`)));
  if (!found) return { ok: false, reason: `torch ${request.torch} is not a release Pinwise knows (newest known: ${view.newestKnown('torch') ?? 'none'}).` };
  const release: TorchRelease = found;
  if (request.accelerator && !releaseVariant(view, release, request.accelerator)) {
    return { ok: false, reason: `torch ${release.torch} has no ${request.accelerator} build (its variants: ${release.variants.join(', ')}).` };
  }
  const target = plannedFor(view, release, request.accelerator ? releaseVariant(view, release, request.accelerator)! : release.variants.includes('cpu') ? 'cpu' : release.variants[0]!);
  const torchaudio = target.torchaudio;
  const audioTagged = target.torchaudioTagged;
  const versionOf = (pkg: TorchFamilyPackage): string | null => (pkg === 'torchaudio' ? torchaudio : (release[pkg] ?? null));

  const edits: Edit[] = [];
  const notes: UpgradeNote[] = [];
  const retired = retiredCondaChannels(kb).filter((c) => compareVersions(releaseLine(release.torch), c.lastTorch) > 0);
  /** The variant a written one moves to: the requested one, or itself, or its family's newest in the release. */
  const moveVariant = (old: string): string | null => {
    if (request.accelerator) return releaseVariant(view, release, request.accelerator);
    if (release.variants.includes(old)) return old;
    const family = view.variantFamily(old);
    return family ? releaseVariant(view, release, family) : null;
  };

  for (const parsed of project.parsed.values()) {
    // A resolver's output (a lock): reported, never rewritten (its tool regenerates it).
    const generated = kindSpec(parsed.kind).generated;
    if (generated) {
      if (parsed.requirements.some((r) => torchFamily.includes(r.normalizedName as TorchFamilyPackage))) {
        notes.push({ file: parsed.path, span: { start: 0, end: 0 }, message: `a lock file: regenerate it with ${generated.by} after the upgrade` });
      }
      continue;
    }
    const stranded = new Set<Requirement>();
    for (const req of parsed.requirements) {
      const pkg = req.normalizedName as TorchFamilyPackage;
      if (!torchFamily.includes(pkg) || req.url !== null || req.clauses.length === 0) continue;
      if (retiredChannelOf(parsed, req, retired)) {
        stranded.add(req);
        continue;
      }
      const version = versionOf(pkg);
      if (!version) {
        notes.push({ file: req.file, span: req.span, message: `no ${pkg} release is known to install with torch ${release.torch}: left as written` });
        continue;
      }
      editPin(req, pkg, version);
      if (req.build) notes.push({ file: req.file, span: req.build.span, message: `${req.name}'s build string \`${req.build.text}\` names a build of the old release: remove it or set it by hand` });
    }
    if (stranded.size > 0) {
      const first = [...stranded][0]!;
      const channel = retiredChannelOf(parsed, first, retired)!;
      notes.push({
        file: parsed.path,
        span: first.span,
        message: `${[...stranded].map((r) => r.name).join(', ')} come${stranded.size === 1 ? 's' : ''} from the conda channel \`${channel.channel}\`, which published torch up to ${channel.lastTorch} (${channel.source}): left as written; move ${stranded.size === 1 ? 'it' : 'them'} to the file's \`pip:\` list or to conda-forge`,
      });
    } else if (parsed.variant && parsed.kind === 'conda') moveCondaSelector(parsed);
    // Index URLs: pip options of the file and uv's per-package indexes declared in it.
    const written: IndexInEffect[] = [];
    for (const option of parsed.options) {
      if ((option.option === '--index-url' || option.option === '--extra-index-url' || option.option === '--find-links') && option.value !== null) {
        written.push({ kind: 'index-url', url: option.value, option, file: option.file, span: option.valueSpan ?? option.span });
      }
    }
    for (const req of parsed.requirements) {
      for (const index of req.indexes ?? []) {
        if (index.url !== null && index.urlSpan) written.push({ kind: 'index-url', url: index.url, option: null, file: req.file, span: index.urlSpan });
      }
    }
    const seen = new Set<string>();
    for (const index of pytorchIndexes(written, kb)) {
      const old = index.pytorch.variant;
      const key = `${index.file}:${index.span.start}`;
      if (old === null || index.pytorch.nightly || seen.has(key)) continue;
      seen.add(key);
      const next = moveVariant(old);
      const span = variantSpanInFile(project, index);
      if (!next) {
        notes.push({ file: index.file, span: index.span, message: `torch ${release.torch} has no ${view!.variantFamily(old) ?? old} build: index left as written` });
      } else if (next !== old && span) {
        edits.push({ file: index.file, span, text: next });
      } else if (next !== old) {
        notes.push({ file: index.file, span: index.span, message: 'the index URL is built from variables: edit it by hand' });
      }
    }
  }
  // A base image's torch (FROM pytorch/pytorch:2.2.2-…) is not written as a pin: its tag is the user's to choose.
  const images = new Set<string>();
  for (const environment of project.environments) {
    for (const req of environment.requirements) {
      if (!req.preinstalled || req.normalizedName !== 'torch' || images.has(`${req.file}:${req.span.start}`)) continue;
      images.add(`${req.file}:${req.span.start}`);
      if (req.clauses.some((c) => c.version === release.torch)) continue;
      notes.push({ file: req.file, span: req.span, message: `the base image ${req.preinstalled.image} installs torch ${req.clauses[0]?.version ?? '(unknown)'}: change FROM to an image of torch ${release.torch} by hand` });
    }
  }
  return { ok: true, target, release, edits: dedupe(edits), notes };

  /** conda's `pytorch-cuda=11.8` chooses the CUDA build: it moves with the variant. */
  function moveCondaSelector(parsed: ParsedFile): void {
    const chosen = parsed.variant!;
    const next = moveVariant(chosen.tag);
    if (next === chosen.tag) return;
    const text = project.sources.get(parsed.path)?.text.slice(chosen.span.start, chosen.span.end) ?? '';
    const written = /(\d+)\.(\d+)/.exec(text);
    const parts = next ? view!.variantVersion(next) : [];
    if (next && view!.variantFamily(next) === 'cuda' && view!.variantFamily(chosen.tag) === 'cuda' && written && parts.length >= 2) {
      const at = chosen.span.start + written.index;
      edits.push({ file: parsed.path, span: { start: at, end: at + written[0].length }, text: `${parts[0]}.${parts[1]}` });
      return;
    }
    notes.push({ file: parsed.path, span: chosen.span, message: `\`${text}\` chooses the ${chosen.tag} build, which torch ${release.torch} ${next ? `replaces by ${next}` : 'does not have'}: change it by hand` });
  }

  function editPin(req: Requirement, pkg: TorchFamilyPackage, version: string): void {
    const wildcard = req.clauses.length === 1 && req.clauses[0]!.operator === '==' && req.clauses[0]!.version.endsWith('.*') ? req.clauses[0]! : null;
    if (wildcard) {
      // `==2.2.*`, conda's `=2.2`: the same precision on the new release, operator as written.
      if (satisfies(version, req.clauses)) return;
      const precision = wildcard.version.slice(0, -2).split('.').length;
      const written = project.sources.get(req.file)?.text.slice(wildcard.versionSpan.start, wildcard.versionSpan.end) ?? '';
      const next = version.split('.').slice(0, precision).join('.');
      edits.push({ file: req.file, span: wildcard.versionSpan, text: written.endsWith('*') ? `${next}.*` : next });
      return;
    }
    const exact = req.clauses.filter((c) => (c.operator === '==' || c.operator === '===') && !c.version.includes('*'));
    if (exact.length === 0) {
      // A range that already admits the release stays; one that excludes it becomes the exact pin.
      if (satisfies(version, req.clauses)) return;
      if (req.specifierSpan) edits.push({ file: req.file, span: req.specifierSpan, text: `==${version}` });
      return;
    }
    for (const clause of exact) {
      const verbatim = clause.versionSpan.end - clause.versionSpan.start === clause.version.length;
      if (!verbatim) {
        notes.push({ file: req.file, span: clause.span, message: `${req.name}'s version is written through a variable here: set it to ${version} by hand` });
        continue;
      }
      const oldTag = localTag(req);
      let tag = '';
      if (oldTag && (pkg !== 'torchaudio' || audioTagged)) {
        const next = moveVariant(oldTag);
        if (!next) {
          notes.push({ file: req.file, span: clause.span, message: `torch ${release.torch} has no ${view!.variantFamily(oldTag) ?? oldTag} build: \`${req.name}${req.specifier}\` left as written` });
          continue;
        }
        tag = `+${next}`;
      }
      const text = `${version}${tag}`;
      if (text !== clause.version) edits.push({ file: req.file, span: clause.versionSpan, text });
    }
  }
}

/** `2.6.0` → `2.6`. */
function releaseLine(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/** The retired channel a conda torch-family package comes from: bound to it (`pytorch::`), or listed with no conda-forge to fall back on. */
function retiredChannelOf(parsed: ParsedFile, req: Requirement, retired: readonly RetiredChannel[]): RetiredChannel | null {
  if (req.origin.installer !== 'conda' || retired.length === 0) return null;
  // `pytorch`, `pytorch/linux-64` (a subdir), `https://conda.anaconda.org/pytorch`.
  const named = (written: string, channel: string) => {
    const base = written.replace(/\/(?:noarch|(?:linux|osx|win)-[a-z0-9_]+)$/, '');
    return base === channel || base.endsWith(`/${channel}`);
  };
  if (req.channel !== undefined) return retired.find((c) => named(req.channel!, c.channel)) ?? null;
  const channels = parsed.channels ?? [];
  if (channels.some((c) => named(c, 'conda-forge'))) return null;
  return retired.find((c) => channels.some((written) => named(written, c.channel))) ?? null;
}

/** One edit per span: a file included by several environments is seen once. */
function dedupe(edits: Edit[]): Edit[] {
  const seen = new Set<string>();
  return edits.filter((e) => {
    const key = `${e.file}\0${e.span.start}\0${e.span.end}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
