// The PyTorch and other package indexes in effect for an environment: pip's index options (from
// the file, its includes or a script's command line), per-package indexes (uv sources, Poetry
// `source`), and what a download.pytorch.org URL serves. Pure and total: never throws.
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

const pytorchUrl = /^https?:\/\/download\.pytorch\.org\/whl(\/[^?#\s]*)?\/?$/i;

/**
 * Reads a download.pytorch.org wheel URL: `/whl/<variant>`, `/whl/nightly/<variant>`,
 * `/whl/torch_stable.html` (every variant), `/whl/<variant>/torch_stable.html`. Null for other hosts
 * and for `/whl/test/...` or package pages it does not recognise.
 */
export function parsePytorchIndexUrl(url: string): PytorchIndex | null {
  const trimmed = url.trim();
  if (trimmed.length > 2048) return null;
  const m = pytorchUrl.exec(trimmed);
  if (!m) return null;
  const pathStart = trimmed.toLowerCase().indexOf('/whl') + 4;
  const segments = (m[1] ?? '').split('/').filter((s) => s !== '');
  const at = (i: number) => {
    // Offset of segment i inside the URL.
    let offset = pathStart;
    for (let k = 0; k <= i; k++) {
      offset = trimmed.indexOf('/', offset) + 1;
      if (k === i) return offset;
      offset += segments[k]!.length;
    }
    return offset;
  };
  let i = 0;
  let nightly = false;
  if (segments[0]?.toLowerCase() === 'nightly') {
    nightly = true;
    i = 1;
  }
  const rest = segments.slice(i);
  if (rest.length === 0) return null;
  if (rest.length === 1 && rest[0]!.toLowerCase() === 'torch_stable.html') return { variant: null, nightly, legacy: true, variantOffset: null };
  if (rest[0]!.toLowerCase() === 'test') return null;
  const start = at(i);
  const variant = rest[0]!;
  const legacy = rest.length === 2 && rest[1]!.toLowerCase() === 'torch_stable.html';
  if (rest.length > 1 && !legacy) return null;
  if (/\.html?$/i.test(variant)) return null;
  return { variant: variant.toLowerCase(), nightly, legacy, variantOffset: { start, end: start + variant.length } };
}

/** The PyTorch indexes (and find-links pages) among `indexes`, with their parsed variant. */
const pytorchCache = new WeakMap<readonly IndexInEffect[], readonly (IndexInEffect & { pytorch: PytorchIndex })[]>();

/** The PyTorch indexes among `indexes`. Shared: do not mutate. */
export function pytorchIndexes(indexes: readonly IndexInEffect[]): readonly (IndexInEffect & { pytorch: PytorchIndex })[] {
  let out = pytorchCache.get(indexes);
  if (!out) {
    const found: (IndexInEffect & { pytorch: PytorchIndex })[] = [];
    for (const index of indexes) {
      const pytorch = parsePytorchIndexUrl(index.url);
      if (pytorch) found.push({ ...index, pytorch });
    }
    out = found;
    pytorchCache.set(indexes, out);
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
export function pytorchIndexVariant(env: Environment, req?: Requirement): { variant: string; index: IndexInEffect } | null {
  const own = req ? requirementIndexes(req) : [];
  for (const index of pytorchIndexes(own.length > 0 ? own : indexesInEffect(env, req))) {
    if (index.pytorch.variant !== null && variantKind(index.pytorch.variant)) return { variant: index.pytorch.variant, index };
  }
  return null;
}
