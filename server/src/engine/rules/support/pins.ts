// Shared pin queries over one Environment: which pins of a package install together, their
// pinned version and local tag, and the package indexes in effect (PyTorch's in particular).
// Pure and total: malformed input gives empty answers, never an exception.
import type { PipOption, Requirement, Span } from '../../model';
import type { Environment, Project } from '../../project';

/** Every requirement (and, unless told otherwise, constraint) of `normalizedName` in an environment. */
export function pinsOf(env: Environment, normalizedName: string, options: { constraints?: boolean } = {}): Requirement[] {
  const all = options.constraints === false ? env.requirements : [...env.requirements, ...env.constraints];
  return all.filter((r) => r.normalizedName === normalizedName);
}

/** The clauses that name one exact version (`==X`, `===X`, no wildcard). */
function exactClauses(req: Requirement) {
  return req.clauses.filter((c) => (c.operator === '==' || c.operator === '===') && !c.version.includes('*'));
}

/** The public version an `==`/`===` pin names (`2.3.1` for `==2.3.1+rocm5.7`), or null. */
export function pinnedVersion(req: Requirement): string | null {
  const exact = exactClauses(req);
  if (exact.length !== 1) return null;
  return publicPart(exact[0]!.version);
}

/** The local tag of an `==`/`===` pin (`rocm5.7` for `==2.3.1+rocm5.7`), or null. */
export function localTag(req: Requirement): string | null {
  for (const clause of exactClauses(req)) {
    const plus = clause.version.indexOf('+');
    if (plus >= 0 && plus < clause.version.length - 1) return clause.version.slice(plus + 1).toLowerCase();
  }
  return null;
}

/** Where the local tag (after `+`) sits in the file, for an edit that replaces only the tag. */
export function localTagSpan(req: Requirement): Span | null {
  for (const clause of exactClauses(req)) {
    const plus = clause.version.indexOf('+');
    if (plus < 0 || plus === clause.version.length - 1) continue;
    const end = clause.versionSpan.end;
    const start = clause.versionSpan.start + plus + 1;
    if (end - start === clause.version.length - plus - 1) return { start, end };
  }
  return null;
}

export function publicPart(version: string): string {
  const plus = version.indexOf('+');
  return (plus >= 0 ? version.slice(0, plus) : version).trim();
}

/** The specifier set with local tags dropped, for matching against public release versions. */
export function publicSpecifier(req: Requirement): string {
  return req.clauses.map((c) => `${c.operator === '===' ? '==' : c.operator}${publicPart(c.version)}`).join(',');
}

/** Whether any clause constrains the version at all. */
export function hasVersionConstraint(req: Requirement): boolean {
  return req.clauses.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Markers. Two pins under mutually exclusive markers never install together. Until the shared
// marker evaluator lands this recognises the common exclusive pairs (`X == 'v'` / `X != 'v'`,
// `X == 'a'` / `X == 'b'` on the same variable) and otherwise assumes the pins coexist.

interface Comparison {
  variable: string;
  op: string;
  value: string;
}

const simpleMarker = /^\s*\(?\s*([a-z_.]+)\s*(==|!=)\s*(['"])([^'"]*)\3\s*\)?\s*$/i;
const reversedMarker = /^\s*\(?\s*(['"])([^'"]*)\1\s*(==|!=)\s*([a-z_.]+)\s*\)?\s*$/i;

function conjuncts(marker: string): Comparison[] | null {
  if (/\bor\b/i.test(marker)) return null;
  const out: Comparison[] = [];
  for (const part of marker.split(/\band\b/i)) {
    const m = simpleMarker.exec(part);
    if (m) {
      out.push({ variable: m[1]!.toLowerCase(), op: m[2]!, value: m[4]! });
      continue;
    }
    const r = reversedMarker.exec(part);
    if (r) {
      out.push({ variable: r[4]!.toLowerCase(), op: r[3]!, value: r[2]! });
      continue;
    }
    // A comparison we do not model (version ordering, `in`): it does not make anything exclusive.
  }
  return out;
}

/** False only when the two markers can never both be true. */
export function markersMayCoexist(a: string | null, b: string | null): boolean {
  if (!a || !b) return true;
  if (a.trim() === b.trim()) return true;
  const ca = conjuncts(a);
  const cb = conjuncts(b);
  if (!ca || !cb) return true;
  for (const x of ca) {
    for (const y of cb) {
      if (x.variable !== y.variable) continue;
      if (x.op === '==' && y.op === '==' && x.value !== y.value) return false;
      if (x.op !== y.op && x.value === y.value) return false;
    }
  }
  return true;
}

/** Whether two pins can end up in one install. */
export function pinsMayCoexist(a: Requirement, b: Requirement): boolean {
  return markersMayCoexist(a.marker, b.marker);
}

// ---------------------------------------------------------------------------------------------
// Indexes.

export type IndexKind = 'index-url' | 'extra-index-url' | 'find-links';

export interface IndexInEffect {
  kind: IndexKind;
  url: string;
  option: PipOption | null;
  /** Where the URL is written (the option's value, or a per-package index's span). */
  file: string;
  span: Span;
}

/** The index options of an environment (`--index-url`, `--extra-index-url`, `--find-links`), in order. */
export function indexesInEffect(env: Environment): IndexInEffect[] {
  const out: IndexInEffect[] = [];
  for (const option of env.options) {
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

/** Whether the environment uses `--no-index` (then only --find-links serve packages). */
export function usesNoIndex(env: Environment): boolean {
  return env.options.some((o) => o.option === '--no-index');
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
export function pytorchIndexes(indexes: readonly IndexInEffect[]): (IndexInEffect & { pytorch: PytorchIndex })[] {
  const out: (IndexInEffect & { pytorch: PytorchIndex })[] = [];
  for (const index of indexes) {
    const pytorch = parsePytorchIndexUrl(index.url);
    if (pytorch) out.push({ ...index, pytorch });
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

/** PyTorch's variant families this linter reasons about; other tags (`xpu`, `cpu.cxx11.abi`) are left alone. */
export type VariantKind = 'cpu' | 'cuda' | 'rocm';

export function variantKind(variant: string): VariantKind | null {
  if (variant === 'cpu') return 'cpu';
  if (/^cu\d{2,3}$/.test(variant)) return 'cuda';
  if (/^rocm\d+(\.\d+){1,2}$/.test(variant)) return 'rocm';
  return null;
}

/** Numeric parts of a CUDA/ROCm variant (`cu121` → [12, 1], `rocm6.2.4` → [6, 2, 4]). */
export function variantVersion(variant: string): number[] {
  const cu = /^cu(\d+)(\d)$/.exec(variant);
  if (cu) return [Number(cu[1]), Number(cu[2])];
  const rocm = /^rocm(\d+(?:\.\d+)*)$/.exec(variant);
  if (rocm) return rocm[1]!.split('.').map(Number);
  return [];
}

/**
 * The published variant closest to `variant`: same kind; a ROCm tag whose published form drops
 * or adds a patch part first (`rocm5.7.1` → `rocm5.7`), otherwise the nearest version, the lower on a tie.
 */
export function nearestVariant(variant: string, published: readonly string[]): { variant: string; samePrefix: boolean } | null {
  const kind = variantKind(variant);
  if (!kind) return null;
  const candidates = published.filter((p) => variantKind(p) === kind && p !== variant);
  if (candidates.length === 0) return null;
  const want = variantVersion(variant);
  const prefix = candidates.find((c) => {
    const have = variantVersion(c);
    return have.length > 0 && have[0] === want[0] && have[1] === want[1];
  });
  if (prefix) return { variant: prefix, samePrefix: true };
  const score = (c: string) => {
    const v = variantVersion(c);
    return (v[0] ?? 0) * 100 + (v[1] ?? 0) + (v[2] ?? 0) / 100;
  };
  const target = score(variant);
  const sorted = [...candidates].sort((a, b) => Math.abs(score(a) - target) - Math.abs(score(b) - target) || score(a) - score(b));
  return { variant: sorted[0]!, samePrefix: false };
}

/** `file:line` for messages. */
export function where(file: string, line: number): string {
  return `${file}:${line}`;
}

/** The text a span covers, or '' when the file is unknown. */
export function textAt(project: Project, file: string, span: Span): string {
  return project.sources.get(file)?.text.slice(span.start, span.end) ?? '';
}

/** How a requirement reads in a message: its name and specifier, without marker or comment. */
export function describePin(req: Requirement): string {
  return `${req.name ?? req.normalizedName ?? '?'}${req.specifier}`;
}

/** A fix that would leave `--hash` values behind for the old version says so, and is never safe. */
export function hashCaveat(req: Requirement): { suffix: string; stale: boolean } {
  return req.hashes.length > 0 ? { suffix: ' (its --hash values must be regenerated)', stale: true } : { suffix: '', stale: false };
}
