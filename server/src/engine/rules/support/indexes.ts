// The PyTorch and other package indexes in effect for an environment: pip's index options (from
// the file, its includes or a script's command line), per-package indexes (uv sources, Poetry
// `source`), and what a PyTorch index URL serves (its layout read from rules/torch.yaml). Pure and total: never throws.
import { torchKnowledge, type TorchIndexConventions } from '../../kb/torch';
import type { KnowledgeBase } from '../../kb/types';
import type { PipOption, Requirement, Span } from '../../model';
import type { Environment, Project } from '../../project';
import { variantKind } from './variants';

export type IndexKind = 'index-url' | 'extra-index-url' | 'find-links';

export interface IndexInEffect {
  kind: IndexKind;
  url: string;
  option: PipOption | null;
  /** Where the URL is written (the option's value, or a per-package index's span). */
  file: string;
  span: Span;
}

const indexesCache = new WeakMap<readonly PipOption[], readonly IndexInEffect[]>();

/**
 * The index options of an environment (`--index-url`, `--extra-index-url`, `--find-links`), in
 * order; given a requirement of a script run, those of the pip command that installed it.
 * Cached per option list and shared between callers: never mutate the result.
 */
export function indexesInEffect(env: Environment, req?: Requirement): readonly IndexInEffect[] {
  const options = optionsOf(env, req);
  let out = indexesCache.get(options);
  if (!out) {
    out = readIndexes(options);
    indexesCache.set(options, out);
  }
  return out;
}

function readIndexes(options: readonly PipOption[]): IndexInEffect[] {
  const out: IndexInEffect[] = [];
  for (const option of options) {
    const kind = option.option === '--index-url' ? 'index-url' : option.option === '--extra-index-url' ? 'extra-index-url' : option.option === '--find-links' ? 'find-links' : null;
    if (!kind || option.value === null) continue;
    out.push({ kind, url: option.value, option, file: option.file, span: option.valueSpan ?? option.span });
  }
  return out;
}

/** Per-package indexes (`[tool.uv.sources]`) for one requirement, when it has any with a URL. */
export function requirementIndexes(req: Requirement): IndexInEffect[] {
  return (req.indexes ?? [])
    .filter((i) => i.url !== null)
    .map((i) => ({ kind: 'index-url' as const, url: i.url!, option: null, file: req.file, span: i.span }));
}

/** Whether the environment (or the command that installed `req`) uses `--no-index`: then only --find-links serve packages. */
export function usesNoIndex(env: Environment, req?: Requirement): boolean {
  return optionsOf(env, req).some((o) => o.option === '--no-index');
}

function optionsOf(env: Environment, req?: Requirement): readonly PipOption[] {
  return (req && env.optionsFor?.get(req)) ?? env.options;
}

export interface PytorchIndex {
  /** The variant the URL serves (`cu121`, `rocm5.7`), or null for a page serving every variant. */
  variant: string | null;
  nightly: boolean;
  /** A `torch_stable.html` find-links page. */
  legacy: boolean;
  /** Offsets of the variant inside the URL text, relative to the URL's start. */
  variantOffset: { start: number; end: number } | null;
}

/**
 * Where PyTorch's indexes live, read from the `indexes:` block of rules/torch.yaml: the host, the
 * path before the variant of a stable index (`whl`), the channel segment of a nightly one
 * (`nightly`), and the find-links page names (`torch_stable.html`), both the one serving every
 * variant and the per-variant one.
 */
interface PytorchIndexLayout {
  host: string;
  base: string[];
  nightly: string[];
  /** The release-candidate channel's segments after `base` (`test`): its variants are never judged. */
  test: string[];
  legacyAll: string | null;
  legacyPerVariant: string | null;
}

const layoutCache = new WeakMap<TorchIndexConventions, PytorchIndexLayout | null>();

/** Path segments of a URL template (`https://host/whl/{variant}` → ['whl', '{variant}']); null for another host. */
function templateSegments(template: string, host: string): string[] | null {
  const m = /^https?:\/\/([^/]+)(\/[^?#]*)?$/i.exec(template.trim());
  if (!m || m[1]!.toLowerCase() !== host.toLowerCase()) return null;
  return (m[2] ?? '').split('/').filter((s) => s !== '');
}

function pytorchIndexLayout(conventions: TorchIndexConventions): PytorchIndexLayout | null {
  if (layoutCache.has(conventions)) return layoutCache.get(conventions)!;
  let layout: PytorchIndexLayout | null = null;
  const stable = templateSegments(conventions.stable, conventions.host);
  const nightly = templateSegments(conventions.nightly, conventions.host);
  const test = templateSegments(conventions.test, conventions.host);
  if (stable && nightly && stable[stable.length - 1] === '{variant}' && nightly[nightly.length - 1] === '{variant}') {
    const base = stable.slice(0, -1);
    const channel = nightly.slice(0, -1);
    if (base.every((s, i) => channel[i] === s) && channel.length > base.length) {
      const testChannel = test && test[test.length - 1] === '{variant}' && base.every((s, i) => test[i] === s) ? test.slice(base.length, -1) : [];
      layout = { host: conventions.host.toLowerCase(), base, nightly: channel.slice(base.length), test: testChannel, legacyAll: null, legacyPerVariant: null };
      for (const page of conventions.legacyFindLinks) {
        const segments = templateSegments(page.url, conventions.host);
        if (!segments || !base.every((s, i) => segments[i] === s)) continue;
        const rest = segments.slice(base.length);
        if (page.servesAllVariants && rest.length === 1) layout.legacyAll = rest[0]!.toLowerCase();
        if (!page.servesAllVariants && rest.length === 2 && rest[0] === '{variant}') layout.legacyPerVariant = rest[1]!.toLowerCase();
      }
    }
  }
  layoutCache.set(conventions, layout);
  return layout;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Reads a PyTorch wheel URL as rules/torch.yaml lays them out: `/whl/<variant>`,
 * `/whl/nightly/<variant>`, `/whl/torch_stable.html` (every variant), `/whl/<variant>/torch_stable.html`.
 * Null for other hosts, for PyTorch's `test` channel and for package pages it does not recognise.
 */
export function parsePytorchIndexUrl(url: string, conventions: TorchIndexConventions): PytorchIndex | null {
  const layout = pytorchIndexLayout(conventions);
  if (!layout) return null;
  const trimmed = url.trim();
  if (trimmed.length > 2048) return null;
  const m = new RegExp(`^https?://${escapeRegExp(layout.host)}((?:/[^/?#\\s]*)*?)/?$`, 'i').exec(trimmed);
  if (!m) return null;
  const hostEnd = trimmed.toLowerCase().indexOf(layout.host) + layout.host.length;
  const segments = (m[1] ?? '').split('/').filter((s) => s !== '');
  if (segments.length < layout.base.length || !layout.base.every((s, i) => segments[i]!.toLowerCase() === s.toLowerCase())) return null;
  // Offset of segment i inside the URL.
  const at = (i: number) => {
    let offset = hostEnd;
    for (let k = 0; k <= i; k++) {
      offset = trimmed.indexOf('/', offset) + 1;
      if (k === i) return offset;
      offset += segments[k]!.length;
    }
    return offset;
  };
  let i = layout.base.length;
  let nightly = false;
  if (layout.nightly.every((s, k) => segments[i + k]?.toLowerCase() === s.toLowerCase())) {
    nightly = true;
    i += layout.nightly.length;
  }
  const rest = segments.slice(i);
  if (rest.length === 0) return null;
  if (rest.length === 1 && layout.legacyAll !== null && rest[0]!.toLowerCase() === layout.legacyAll) return { variant: null, nightly, legacy: true, variantOffset: null };
  // PyTorch's release-candidate channel (`/whl/test/<variant>`): not a variant, and not judged.
  if (layout.test.length > 0 && layout.test.every((s, k) => segments[layout.base.length + k]?.toLowerCase() === s.toLowerCase())) return null;
  const start = at(i);
  const variant = rest[0]!;
  const legacy = rest.length === 2 && layout.legacyPerVariant !== null && rest[1]!.toLowerCase() === layout.legacyPerVariant;
  if (rest.length > 1 && !legacy) return null;
  if (/\.html?$/i.test(variant)) return null;
  return { variant: variant.toLowerCase(), nightly, legacy, variantOffset: { start, end: start + variant.length } };
}

type PytorchIndexInEffect = IndexInEffect & { pytorch: PytorchIndex };

/** The PyTorch indexes (and find-links pages) among `indexes`, with their parsed variant, per layout. */
const pytorchCache = new WeakMap<TorchIndexConventions, WeakMap<readonly IndexInEffect[], readonly PytorchIndexInEffect[]>>();

/** The PyTorch indexes among `indexes`, as the knowledge base lays them out (none without rules/torch.yaml). Shared: do not mutate. */
export function pytorchIndexes(indexes: readonly IndexInEffect[], kb: KnowledgeBase): readonly PytorchIndexInEffect[] {
  const conventions = torchKnowledge(kb)?.indexes;
  if (!conventions) return [];
  let byIndexes = pytorchCache.get(conventions);
  if (!byIndexes) pytorchCache.set(conventions, (byIndexes = new WeakMap()));
  let out = byIndexes.get(indexes);
  if (!out) {
    const found: PytorchIndexInEffect[] = [];
    for (const index of indexes) {
      const pytorch = parsePytorchIndexUrl(index.url, conventions);
      if (pytorch) found.push({ ...index, pytorch });
    }
    out = found;
    byIndexes.set(indexes, out);
  }
  return out;
}

/** The file span of a PyTorch index URL's variant segment, when the URL is written verbatim. */
export function variantSpanInFile(project: Project, index: IndexInEffect & { pytorch: PytorchIndex }): Span | null {
  const offset = index.pytorch.variantOffset;
  if (!offset) return null;
  const text = project.sources.get(index.file)?.text;
  if (text === undefined) return null;
  const written = text.slice(index.span.start, index.span.end);
  const lead = written.length - written.trimStart().length;
  if (written.trim() !== index.url.trim()) return null;
  return { start: index.span.start + lead + offset.start, end: index.span.start + lead + offset.end };
}

/** The PyTorch variant an environment targets, from its PyTorch indexes (first wins); null when none names one. */
export function pytorchIndexVariant(env: Environment, kb: KnowledgeBase, req?: Requirement): { variant: string; index: IndexInEffect } | null {
  const own = req ? requirementIndexes(req) : [];
  for (const index of pytorchIndexes(own.length > 0 ? own : indexesInEffect(env, req), kb)) {
    if (index.pytorch.variant !== null && variantKind(torchKnowledge(kb), index.pytorch.variant)) return { variant: index.pytorch.variant, index };
  }
  return null;
}
