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
 *
 * The answers are those of these patterns run over the whole text (test/kb/prefilter-differential
 * .test.ts holds them so); what every library needs is read once per text instead (FileWords): the
 * words of the import lines settle the import test, the patterns that start at `from` run only where
 * a `from` names one of the modules, and a bit set of the words written after a dot, before `=` or
 * as `alias.name` says for sure when a pattern over the whole text cannot match.
 */
function prefilter(modules: string[], entries: readonly DeprecationEntry[]): (text: string) => boolean {
  const mods = alternation(modules);
  const imports = new RegExp(`\\bimport[ \\t][^\\n]*\\b${mods}\\b|\\bfrom[ \\t]+${mods}\\b`);
  // Sticky: run at each `from` that names a module (FileWords.froms), in order, as a global search would.
  const parenthesizedFrom = new RegExp(`\\bfrom[ \\t]+(${mods}[\\w.]*)[ \\t]+import[ \\t]*\\(([^)]*)\\)`, 'y');
  const plain = entries.filter((e) => e.kind !== 'keyword');
  const direct = plain.filter((e) => !e.symbol.includes('()') && e.symbol.split('.').length === 2).map((e) => lastName(e.symbol));
  const nested = plain.filter((e) => !direct.includes(lastName(e.symbol))).map((e) => lastName(e.symbol));
  const keywords = entries.filter((e) => e.kind === 'keyword' && e.keyword).map((e) => e.keyword!);
  const directWord = new RegExp(`\\b${alternation(direct)}\\b`);
  const nestedWord = new RegExp(`\\b${alternation(nested)}\\b`);
  const nestedAttribute = new RegExp(`\\.[ \\t]*${alternation(nested)}\\b`);
  // `from numpy import float_` (the module itself) / `from torchvision.transforms import functional_tensor`.
  const directImport = new RegExp(`\\bfrom[ \\t]+${mods}[ \\t]+import[ \\t][^\\n]*\\b${alternation(direct)}\\b`, 'y');
  const nestedImport = new RegExp(`\\bfrom[ \\t]+${mods}[\\w.]*[ \\t]+import[ \\t][^\\n]*\\b${alternation(nested)}\\b`, 'y');
  const keyword = new RegExp(`\\b${alternation(keywords)}[ \\t]*=`);
  const directAlternation = alternation(direct);
  // `from torch._six import x` names the module with no alias bound.
  const modulePaths = entries.filter((e) => e.kind === 'module' || e.kind === 'import').map((e) => e.symbol);
  // Module names are words (the schema's `name`); were one not, the import test and the `from`
  // patterns would go through the regexes alone.
  const wordModules = modules.every((m) => wordPattern.test(m));
  // The bits each whole-text pattern needs one of (null: a name with a `*`, no single word to look for).
  const keywordBits = wordHashes(keywords, beforeEquals);
  const nestedBits = wordHashes(nested, afterDot);
  const directHashes = wordHashes(direct, 0);
  const byAliases = new Map<string, RegExp>();
  /** Whether the sticky pattern matches at a `from` that names one of the modules. */
  const fromMatch = (words: FileWords, text: string, pattern: RegExp): boolean => {
    for (let k = 0; k < words.froms.length; k++) {
      if (!namesModule(words, k)) continue;
      pattern.lastIndex = words.froms[k]!;
      if (pattern.test(text)) return true;
    }
    return false;
  };
  const namesModule = (words: FileWords, k: number): boolean => !wordModules || modules.some((m) => words.fromWords[k]!.startsWith(m));
  return (text) => {
    if (entries.length === 0) return false;
    const words = fileWords(text);
    if (wordModules ? !modules.some((m) => words.imported.has(m)) : !modules.some((m) => text.includes(m)) || !imports.test(text)) return false;
    if (modulePaths.some((m) => text.includes(m))) return true;
    if (keywords.length && (keywordBits === null || mayHave(words, text, keywordBits)) && keyword.test(text)) return true;
    if (direct.length === 0 && nested.length === 0) return false;
    if (nested.length > 0 && (nestedBits === null || mayHave(words, text, nestedBits)) && nestedAttribute.test(text)) return true;
    if (nested.length > 0 && fromMatch(words, text, nestedImport)) return true;
    if (direct.length > 0 && fromMatch(words, text, directImport)) return true;
    // `from numpy import (\n float_,\n)` puts the names on lines of their own. As a global search
    // would, a match's text is not searched again (`[^)]*` may hold a `from`).
    for (let k = 0, after = 0; k < words.froms.length; k++) {
      if (words.froms[k]! < after || !namesModule(words, k)) continue;
      parenthesizedFrom.lastIndex = words.froms[k]!;
      const match = parenthesizedFrom.exec(text);
      if (!match) continue;
      after = parenthesizedFrom.lastIndex;
      const [, module, names] = match;
      if (nested.length > 0 && nestedWord.test(names!)) return true;
      if (direct.length > 0 && modules.includes(module!) && directWord.test(names!)) return true;
    }
    if (direct.length === 0) return false;
    const aliases = boundNames(words, text, modules);
    if (aliases.length === 0) return false;
    if (directHashes !== null && !mayHaveDotted(words, text, aliases, directHashes)) return false;
    const id = aliases.join(' ');
    let uses = byAliases.get(id);
    if (!uses) {
      uses = new RegExp(`\\b${alternation(aliases)}[ \\t]*\\.[ \\t]*${directAlternation}\\b`);
      if (byAliases.size < 256) byAliases.set(id, uses);
    }
    return uses.test(text);
  };
}

const wordPattern = /^[A-Za-z0-9_]+$/;
/** A character of a regex word (`\b` in a pattern without the u flag): ASCII letters, digits, `_`. */
const isWordCode = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
const isBlankCode = (c: number): boolean => c === 32 || c === 9;

/** What every library's prefilter reads of one text; the rule asks all of them about a text in a row. */
interface FileWords {
  text: string;
  /**
   * The words of the text's import lines: each word after `import` and a blank up to the end of the
   * line, and the word after `from` and blanks (`\bimport[ \t][^\n]*\bM\b|\bfrom[ \t]+M\b` finds a
   * module M exactly when it is one of them).
   */
  imported: Set<string>;
  /** Where each `from` starts that has a word after blanks (where a pattern `\bfrom[ \t]+M…` can match), and that word. */
  froms: number[];
  fromWords: string[];
  /** Where each `import` starts that has a blank after it. */
  importsAt: number[];
  /** boundNames' reading of the text, on first use: the import statements' names, `a = b` lines as [a, b]. */
  importLists: string[] | null;
  assignments: string[][] | null;
  /** Whether `bits` holds this text's words (by wordBits), filled on first use. */
  bitsFilled: boolean;
}

let lastWords: FileWords = { text: '', imported: new Set(), froms: [], fromWords: [], importsAt: [], importLists: [], assignments: [], bitsFilled: false };
const bitCount = 1 << 18;
const bits = new Int32Array(bitCount >>> 5);
let bitsOf: FileWords | null = null;

function fileWords(text: string): FileWords {
  if (lastWords.text === text) return lastWords;
  const words: FileWords = { text, imported: new Set(), froms: [], fromWords: [], importsAt: [], importLists: null, assignments: null, bitsFilled: false };
  const n = text.length;
  for (let i = text.indexOf('import'), lineEnd = -1; i >= 0; i = text.indexOf('import', i + 6)) {
    if ((i > 0 && isWordCode(text.charCodeAt(i - 1))) || !isBlankCode(text.charCodeAt(i + 6))) continue;
    words.importsAt.push(i);
    // Another `import` later on the line names no word this one does not.
    if (i < lineEnd) continue;
    lineEnd = text.indexOf('\n', i + 7);
    if (lineEnd < 0) lineEnd = n;
    for (let j = i + 7; j < lineEnd; ) {
      if (!isWordCode(text.charCodeAt(j))) {
        j++;
        continue;
      }
      let end = j + 1;
      while (end < lineEnd && isWordCode(text.charCodeAt(end))) end++;
      words.imported.add(text.slice(j, end));
      j = end;
    }
  }
  for (let i = text.indexOf('from'); i >= 0; i = text.indexOf('from', i + 4)) {
    if (i > 0 && isWordCode(text.charCodeAt(i - 1))) continue;
    let j = i + 4;
    while (j < n && isBlankCode(text.charCodeAt(j))) j++;
    if (j === i + 4 || j >= n || !isWordCode(text.charCodeAt(j))) continue;
    let end = j + 1;
    while (end < n && isWordCode(text.charCodeAt(end))) end++;
    const word = text.slice(j, end);
    words.imported.add(word);
    words.froms.push(i);
    words.fromWords.push(word);
  }
  lastWords = words;
  return words;
}

// What a word's bits say: written anywhere (0), after `.` and blanks (`\.[ \t]*w\b`), before blanks and `=` (`\bw[ \t]*=`).
const afterDot = 0x2545f491;
const beforeEquals = 0x6c8e9cf5;

/** FNV-1a over the characters of text[from, to). */
function wordHash(text: string, from: number, to: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/** Murmur3's finalizer: spreads a hash (with its role mixed in) over the bits. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
const pairHash = (alias: number, name: number): number => mix(Math.imul(alias, 0x9e3779b1) ^ name ^ 0x1b873593);

const setBit = (h: number): void => {
  bits[(h & (bitCount - 1)) >>> 5]! |= 1 << (h & 31);
  bits[h >>> 14 >>> 5]! |= 1 << ((h >>> 14) & 31);
};
const hasBit = (h: number): boolean => (bits[(h & (bitCount - 1)) >>> 5]! & (1 << (h & 31))) !== 0 && (bits[h >>> 14 >>> 5]! & (1 << ((h >>> 14) & 31))) !== 0;

/**
 * The hashes of the words a pattern needs one of, in a role (0: the plain hash, for pairs); null when
 * one is not a plain word (`TF*`). Empty names and a bare `*` match nothing (alternation leaves them out).
 */
function wordHashes(names: readonly string[], role: number): Int32Array | null {
  const list = [...new Set(names)].filter((n) => n && n !== '*');
  if (!list.every((n) => wordPattern.test(n))) return null;
  return Int32Array.from(list, (n) => (role ? mix(wordHash(n, 0, n.length) ^ role) : wordHash(n, 0, n.length)));
}

/** Sets the bits of the words a text writes after a dot, before `=`, and as `alias.name`: a look around each `.` and `=`. */
function fillBits(words: FileWords, text: string): void {
  if (bitsOf === words && words.bitsFilled) return;
  bits.fill(0);
  const n = text.length;
  for (let dot = text.indexOf('.'); dot >= 0; dot = text.indexOf('.', dot + 1)) {
    let start = dot + 1;
    while (start < n && isBlankCode(text.charCodeAt(start))) start++;
    if (start >= n || !isWordCode(text.charCodeAt(start))) continue;
    let end = start + 1;
    while (end < n && isWordCode(text.charCodeAt(end))) end++;
    const name = wordHash(text, start, end);
    setBit(mix(name ^ afterDot));
    let last = dot - 1;
    while (last >= 0 && isBlankCode(text.charCodeAt(last))) last--;
    if (last < 0 || !isWordCode(text.charCodeAt(last))) continue;
    let first = last;
    while (first > 0 && isWordCode(text.charCodeAt(first - 1))) first--;
    setBit(pairHash(wordHash(text, first, last + 1), name));
  }
  for (let equals = text.indexOf('='); equals >= 0; equals = text.indexOf('=', equals + 1)) {
    let last = equals - 1;
    while (last >= 0 && isBlankCode(text.charCodeAt(last))) last--;
    if (last < 0 || !isWordCode(text.charCodeAt(last))) continue;
    let first = last;
    while (first > 0 && isWordCode(text.charCodeAt(first - 1))) first--;
    setBit(mix(wordHash(text, first, last + 1) ^ beforeEquals));
  }
  bitsOf = words;
  words.bitsFilled = true;
}

/** False only when none of the words is written in its role (the hashes of wordHashes). */
function mayHave(words: FileWords, text: string, hashes: Int32Array): boolean {
  fillBits(words, text);
  for (let k = 0; k < hashes.length; k++) if (hasBit(hashes[k]!)) return true;
  return false;
}

/** False only when the text never writes `alias.name` (blanks around the dot allowed) for these aliases and names. */
function mayHaveDotted(words: FileWords, text: string, aliases: readonly string[], names: Int32Array): boolean {
  fillBits(words, text);
  for (const alias of aliases) {
    const a = wordHash(alias, 0, alias.length);
    for (let k = 0; k < names.length; k++) if (hasBit(pairHash(a, names[k]!))) return true;
  }
  return false;
}

// A BOM (U+FEFF) may open the first line, as blank as an indent.
const importStatement = /^[ \t\uFEFF]*import[ \t]+([^\n#;]+)/my;
const simpleAssignment = /^[ \t\uFEFF]*([A-Za-z_]\w*)[ \t]*=[ \t]*([A-Za-z_]\w*)[ \t]*(?:#[^\n]*)?$/my;
const isLineBreakCode = (c: number): boolean => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

/** Where the blanks (and a BOM) right before `at` begin. */
function blanksBefore(text: string, at: number): number {
  while (at > 0 && (isBlankCode(text.charCodeAt(at - 1)) || text.charCodeAt(at - 1) === 0xfeff)) at--;
  return at;
}

const startsLine = (text: string, at: number): boolean => at === 0 || isLineBreakCode(text.charCodeAt(at - 1));

/**
 * The names of the text's import statements, as a global search for importStatement finds them: it
 * can only match at the start of a line that holds blanks and then an `import` with a blank after,
 * and a match may run on past `\r` over later lines, which it then hides.
 */
function importLists(words: FileWords, text: string): string[] {
  if (words.importLists) return words.importLists;
  const lists: string[] = [];
  for (let k = 0, after = 0; k < words.importsAt.length; k++) {
    const lineStart = blanksBefore(text, words.importsAt[k]!);
    if (lineStart < after || !startsLine(text, lineStart)) continue;
    importStatement.lastIndex = lineStart;
    const match = importStatement.exec(text);
    if (!match) continue;
    after = importStatement.lastIndex;
    lists.push(match[1]!);
  }
  return (words.importLists = lists);
}

/**
 * The `a = b` lines of the text as [a, b], as a global search for simpleAssignment finds them: a match
 * starts at a line's start, blanks, a word and blanks before an `=`, so only where a walk back from an
 * `=` over those ends at a line's start; a comment may run on past `\r`, hiding the lines it covers.
 */
function assignments(text: string): string[][] {
  const out: string[][] = [];
  for (let equals = text.indexOf('='), after = 0; equals >= 0; equals = text.indexOf('=', equals + 1)) {
    let u = equals - 1;
    while (u >= 0 && isBlankCode(text.charCodeAt(u))) u--;
    if (u < 0 || !isWordCode(text.charCodeAt(u))) continue;
    while (u > 0 && isWordCode(text.charCodeAt(u - 1))) u--;
    u = blanksBefore(text, u);
    if (u < after || !startsLine(text, u)) continue;
    simpleAssignment.lastIndex = u;
    const match = simpleAssignment.exec(text);
    if (!match) continue;
    after = simpleAssignment.lastIndex;
    out.push([match[1]!, match[2]!]);
  }
  return out;
}

/** Names a file binds to one of the modules: `import numpy as np` → np, `import numpy.linalg` → numpy, `xp = np` → xp. */
function boundNames(words: FileWords, text: string, modules: string[]): string[] {
  const bound = new Set<string>();
  for (const list of importLists(words, text)) {
    for (const part of list.split(',')) {
      const [dotted, alias] = part.trim().split(/[ \t]+as[ \t]+/);
      if (!dotted) continue;
      const top = dotted.trim().split('.')[0]!;
      if (!modules.includes(top)) continue;
      bound.add(alias?.trim().match(/^\w+/)?.[0] ?? top);
    }
  }
  if (bound.size > 0) {
    words.assignments ??= assignments(text);
    for (const [name, value] of words.assignments) if (bound.has(value!)) bound.add(name!);
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
    const positions = new Map(entries.map((entry, i) => [entry, i]));
    libraries.push({
      ...library,
      key,
      entries,
      canonical: canonicalizer(library.factories ?? {}),
      prefilter(subset) {
        // Asked on every analysis (each keystroke in the editor): a lookup per entry, not a search.
        const id = subset.map((e) => positions.get(e as CompiledEntry)).join(',');
        let compiled = prefilters.get(id);
        if (!compiled) prefilters.set(id, (compiled = prefilter(library.modules, subset)));
        return compiled;
      },
    });
  }
  cache.set(kb, libraries);
  return libraries;
}
