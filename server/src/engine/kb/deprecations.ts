// Typed view over rules/deprecations/<library>.yaml (validated by rules/schema/deprecations.schema.json).
import type { KnowledgeBase } from './types';

export type DeprecationKind = 'attribute' | 'import' | 'call' | 'keyword';
export type ReplacementKind = 'rename' | 'module-moved' | 'keyword-renamed' | 'expression' | 'manual';

export interface Replacement {
  kind: ReplacementKind;
  /** rename / module-moved: the new dotted path (or a builtin); keyword-renamed: the new keyword; expression: the text. */
  to?: string;
  /** keyword-renamed: old value as written → new value. */
  values?: Record<string, string>;
  /** expression on a call: arguments inserted first. */
  prependArguments?: string[];
  /** First release that has the replacement; absent: every known release. */
  since?: string;
  /** The replacement behaves identically (otherwise the fix stays unsafe). */
  exact?: boolean;
  /** expression on a call: positional arguments would change meaning, so fix only all-keyword calls. */
  reordersArguments?: boolean;
  hint?: string;
}

export interface DeprecationEntry {
  symbol: string;
  kind: DeprecationKind;
  keyword?: string;
  deprecated?: string;
  removed?: string;
  restored?: string;
  /** A release from which a call behaves differently (a note, not a deprecation). */
  changed?: string;
  /** call entries: an explicit keyword that means the code is unaffected (`weights_only`). */
  unlessKeyword?: string;
  replacement: Replacement;
  note?: string;
  source: string;
}

export interface DeprecationLibrary {
  /** The KB key, e.g. `deprecations/numpy`. */
  key: string;
  library: string;
  distribution: string;
  modules: string[];
  versions: string[];
  entries: DeprecationEntry[];
}

export interface CompiledEntry extends DeprecationEntry {
  matches(path: string): boolean;
}

export interface CompiledLibrary extends DeprecationLibrary {
  entries: CompiledEntry[];
  /** Names that must appear in a file's bytes for any entry to match (the prefilter). */
  candidateNames: RegExp;
}

const cache = new WeakMap<KnowledgeBase, CompiledLibrary[]>();

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `gradio.*().queue` → a matcher; `*` stays inside one name. */
export function symbolMatcher(symbol: string): (path: string) => boolean {
  if (!symbol.includes('*')) return (path) => path === symbol;
  const pattern = new RegExp(`^${symbol.split('*').map(escape).join('[A-Za-z0-9_]*')}$`);
  return (path) => pattern.test(path);
}

/** The last name of a symbol (`numpy.float_` → `float_`, `PIL.ImageDraw.Draw().textsize` → `textsize`). */
export function lastName(symbol: string): string {
  const parts = symbol.replace(/\(\)/g, '').split('.');
  return parts[parts.length - 1] ?? symbol;
}

export function deprecationLibraries(kb: KnowledgeBase): CompiledLibrary[] {
  const cached = cache.get(kb);
  if (cached) return cached;
  const libraries: CompiledLibrary[] = [];
  for (const [key, document] of Object.entries(kb.documents)) {
    if (!key.startsWith('deprecations/') || !document || typeof document !== 'object') continue;
    const library = document as Omit<DeprecationLibrary, 'key'>;
    const entries = library.entries.map((entry) => ({ ...entry, matches: symbolMatcher(entry.symbol) }));
    const names = new Set<string>();
    for (const entry of entries) names.add(entry.kind === 'keyword' && entry.keyword ? entry.keyword : lastName(entry.symbol));
    const alternatives = [...names].filter((n) => n && !n.includes('*')).map(escape);
    libraries.push({
      ...library,
      key,
      entries,
      candidateNames: new RegExp(alternatives.length ? `\\b(?:${alternatives.join('|')})\\b` : '(?!)'),
    });
  }
  cache.set(kb, libraries);
  return libraries;
}
