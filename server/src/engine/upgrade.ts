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
import { variantFamily } from './rules/support/variants';
import { plannedFor, releaseVariant, type PlannedStack } from './stack';
import { satisfies } from './versions';

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
  if (request.accelerator && !releaseVariant(release, request.accelerator)) {
    return { ok: false, reason: `torch ${release.torch} has no ${request.accelerator} build (its variants: ${release.variants.join(', ')}).` };
  }
  const target = plannedFor(view, release, request.accelerator ? releaseVariant(release, request.accelerator)! : release.variants.includes('cpu') ? 'cpu' : release.variants[0]!);
  const torchaudio = target.torchaudio;
  const audioTagged = target.torchaudioTagged;
  const versionOf = (pkg: TorchFamilyPackage): string | null => (pkg === 'torchaudio' ? torchaudio : (release[pkg] ?? null));

  const edits: Edit[] = [];
  const notes: UpgradeNote[] = [];
  /** The variant a written one moves to: the requested one, or itself, or its family's newest in the release. */
  const moveVariant = (old: string): string | null => {
    if (request.accelerator) return releaseVariant(release, request.accelerator);
    if (release.variants.includes(old)) return old;
    const family = variantFamily(old);
    return family ? releaseVariant(release, family) : null;
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
    for (const req of parsed.requirements) {
      const pkg = req.normalizedName as TorchFamilyPackage;
      if (!torchFamily.includes(pkg) || req.url !== null || req.clauses.length === 0) continue;
      const version = versionOf(pkg);
      if (!version) {
        notes.push({ file: req.file, span: req.span, message: `no ${pkg} release is known to install with torch ${release.torch}: left as written` });
        continue;
      }
      editPin(req, pkg, version);
    }
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
        notes.push({ file: index.file, span: index.span, message: `torch ${release.torch} has no ${variantFamily(old) ?? old} build: index left as written` });
      } else if (next !== old && span) {
        edits.push({ file: index.file, span, text: next });
      } else if (next !== old) {
        notes.push({ file: index.file, span: index.span, message: 'the index URL is built from variables: edit it by hand' });
      }
    }
  }
  return { ok: true, target, release, edits: dedupe(edits), notes };

  function editPin(req: Requirement, pkg: TorchFamilyPackage, version: string): void {
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
          notes.push({ file: req.file, span: clause.span, message: `torch ${release.torch} has no ${variantFamily(oldTag) ?? oldTag} build: \`${req.name}${req.specifier}\` left as written` });
          continue;
        }
        tag = `+${next}`;
      }
      const text = `${version}${tag}`;
      if (text !== clause.version) edits.push({ file: req.file, span: clause.versionSpan, text });
    }
  }
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
