// Typed view over rules/deprecations/<library>.yaml (validated by rules/schema/deprecations.schema.json).
import type { KnowledgeBase } from './types';

/**
 * What an entry covers (the format is described at the top of rules/schema/deprecations.schema.json):
 * a name wherever it is reached, a module, a call, a keyword argument, arguments that became
 * keyword-only, a keyword that became required. `import` is the older spelling of `module`.
 */
export type DeprecationKind = 'attribute' | 'module' | 'import' | 'call' | 'keyword' | 'positional' | 'required-keyword';
export type ReplacementKind = 'rename' | 'module-moved' | 'keyword-renamed' | 'expression' | 'keywords' | 'manual';

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
  /** keyword: the removed or renamed keyword; required-keyword: the keyword a call must pass. */
  keyword?: string;
  /** positional: the most arguments a call may pass by position. */
  positional?: number;
  /** positional: the parameter names in order (for the fix). */
  parameters?: string[];
  /** required-keyword: the 0-based position at which the argument may also be passed. */
  position?: number;
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
  /** Callables whose result is certainly an instance of a class: `pandas.read_csv` → `pandas.DataFrame`. */
  factories?: Record<string, string>;
  entries: DeprecationEntry[];
}

export interface CompiledEntry extends DeprecationEntry {
  matches(path: string): boolean;
}

export interface CompiledLibrary extends DeprecationLibrary {
  entries: CompiledEntry[];
  /** The path with each declared factory call replaced by its class (`pandas.read_csv().append` → `pandas.DataFrame().append`). */
  canonical(path: string): string;
  /**
   * The byte-level prefilter for a subset of the entries (those that apply to the versions in effect),
   * run before a file is parsed: false when none of them can match, because the file imports none of
   * the modules or never writes one of the names where a reference could use it. It may say true for a
   * file with no finding, never false for one with a finding. Cached per subset.
   */
  prefilter(entries: readonly CompiledEntry[]): (text: string) => boolean;
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

// A `*` inside a name (`TF*` of `transformers.TF*`) matches word characters, as in symbolMatcher; a bare
// `*` says nothing about the text, so it is left out. Still linear: one quantifier per alternative.
const alternation = (names: Iterable<string>): string => {
  const list = [...new Set(names)].filter((n) => n && n !== '*').map((n) => n.split('*').map(escape).join('[A-Za-z0-9_]*'));
  return list.length ? `(?:${list.join('|')})` : '(?!)';
};

/**
 * Builds the prefilter of one library. Every reference the parser reports starts at an import of the
 * module, so a file must import it; and a deprecated name is reached as `alias.name` (for names right
 * under the module, the alias is one the file binds: `import numpy as np`, or `xp = np`), as `.name`
 * (deeper paths and instances), imported by name, or passed as `name=`. All patterns are linear: no
 * nested quantifiers, alternations of plain words.
 */
function prefilter(modules: string[], entries: readonly DeprecationEntry[]): (text: string) => boolean {
  const mods = alternation(modules);
  const imports = new RegExp(`\\bimport[ \\t][^\\n]*\\b${mods}\\b|\\bfrom[ \\t]+${mods}\\b`);
  const parenthesizedFrom = new RegExp(`\\bfrom[ \\t]+(${mods}[\\w.]*)[ \\t]+import[ \\t]*\\(([^)]*)\\)`, 'g');
  const plain = entries.filter((e) => e.kind !== 'keyword');
  const direct = plain.filter((e) => !e.symbol.includes('()') && e.symbol.split('.').length === 2).map((e) => lastName(e.symbol));
  const nested = plain.filter((e) => !direct.includes(lastName(e.symbol))).map((e) => lastName(e.symbol));
  const keywords = entries.filter((e) => e.kind === 'keyword' && e.keyword).map((e) => e.keyword!);
  const directWord = new RegExp(`\\b${alternation(direct)}\\b`);
  const nestedWord = new RegExp(`\\b${alternation(nested)}\\b`);
  const nestedAttribute = new RegExp(`\\.[ \\t]*${alternation(nested)}\\b`);
  // `from numpy import float_` (the module itself) / `from torchvision.transforms import functional_tensor`.
  const directImport = new RegExp(`\\bfrom[ \\t]+${mods}[ \\t]+import[ \\t][^\\n]*\\b${alternation(direct)}\\b`);
  const nestedImport = new RegExp(`\\bfrom[ \\t]+${mods}[\\w.]*[ \\t]+import[ \\t][^\\n]*\\b${alternation(nested)}\\b`);
  const keyword = new RegExp(`\\b${alternation(keywords)}[ \\t]*=`);
  const directAlternation = alternation(direct);
  // `from torch._six import x` names the module with no alias bound.
  const modulePaths = entries.filter((e) => e.kind === 'module' || e.kind === 'import').map((e) => e.symbol);
  const byAliases = new Map<string, RegExp>();
  return (text) => {
    if (entries.length === 0 || !modules.some((m) => text.includes(m)) || !imports.test(text)) return false;
    if (keywords.length && keyword.test(text)) return true;
    if (modulePaths.some((m) => text.includes(m))) return true;
    if (direct.length === 0 && nested.length === 0) return false;
    if (nested.length > 0 && (nestedAttribute.test(text) || nestedImport.test(text))) return true;
    if (direct.length > 0 && directImport.test(text)) return true;
    // `from numpy import (\n float_,\n)` puts the names on lines of their own.
    for (const [, module, names] of text.matchAll(parenthesizedFrom)) {
      if (nested.length > 0 && nestedWord.test(names!)) return true;
      if (direct.length > 0 && modules.includes(module!) && directWord.test(names!)) return true;
    }
    if (direct.length === 0) return false;
    const aliases = boundNames(text, modules);
    if (aliases.length === 0) return false;
    const id = aliases.join(' ');
    let uses = byAliases.get(id);
    if (!uses) {
      uses = new RegExp(`\\b${alternation(aliases)}[ \\t]*\\.[ \\t]*${directAlternation}\\b`);
      if (byAliases.size < 256) byAliases.set(id, uses);
    }
    return uses.test(text);
  };
}

// A BOM (U+FEFF) may open the first line, as blank as an indent.
const importStatement = /^[ \t\uFEFF]*import[ \t]+([^\n#;]+)/gm;
const simpleAssignment = /^[ \t\uFEFF]*([A-Za-z_]\w*)[ \t]*=[ \t]*([A-Za-z_]\w*)[ \t]*(?:#[^\n]*)?$/gm;

/** Names a file binds to one of the modules: `import numpy as np` → np, `import numpy.linalg` → numpy, `xp = np` → xp. */
function boundNames(text: string, modules: string[]): string[] {
  const bound = new Set<string>();
  for (const match of text.matchAll(importStatement)) {
    for (const part of match[1]!.split(',')) {
      const [dotted, alias] = part.trim().split(/[ \t]+as[ \t]+/);
      if (!dotted) continue;
      const top = dotted.trim().split('.')[0]!;
      if (!modules.includes(top)) continue;
      bound.add(alias?.trim().match(/^\w+/)?.[0] ?? top);
    }
  }
  if (bound.size > 0) {
    for (const match of text.matchAll(simpleAssignment)) if (bound.has(match[2]!)) bound.add(match[1]!);
  }
  return [...bound];
}

/** Replaces factory calls by instances of their class, repeatedly (`read_csv().copy()` with both declared). */
function canonicalizer(factories: Record<string, string>): (path: string) => string {
  const calls = Object.entries(factories).map(([callable, cls]) => [`${callable}()`, `${cls}()`] as const);
  if (calls.length === 0) return (path) => path;
  return (path) => {
    for (let round = 0; round < 8; round++) {
      const hit = calls.find(([call]) => path.startsWith(call) && (path.length === call.length || path[call.length] === '.'));
      if (!hit) return path;
      path = hit[1] + path.slice(hit[0].length);
    }
    return path;
  };
}

export function deprecationLibraries(kb: KnowledgeBase): CompiledLibrary[] {
  const cached = cache.get(kb);
  if (cached) return cached;
  const libraries: CompiledLibrary[] = [];
  for (const [key, document] of Object.entries(kb.documents)) {
    if (!key.startsWith('deprecations/') || !document || typeof document !== 'object') continue;
    const library = document as Omit<DeprecationLibrary, 'key'>;
    const entries = library.entries.map((entry) => ({ ...entry, matches: symbolMatcher(entry.symbol) }));
    const prefilters = new Map<string, (text: string) => boolean>();
    libraries.push({
      ...library,
      key,
      entries,
      canonical: canonicalizer(library.factories ?? {}),
      prefilter(subset) {
        const id = subset.map((e) => entries.indexOf(e as CompiledEntry)).join(',');
        let compiled = prefilters.get(id);
        if (!compiled) prefilters.set(id, (compiled = prefilter(library.modules, subset)));
        return compiled;
      },
    });
  }
  cache.set(kb, libraries);
  return libraries;
}
