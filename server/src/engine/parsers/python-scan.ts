// A cheap pass over a .py file's tokens that answers "can any reference the tree walk would report
// end in one of these names?" without tree-sitter. It is an over-approximation of python.ts: every
// path that walk resolves starts at a name an import binds (or an assignment, annotation or `with …
// as` passes on), continues through `.name` links and calls, and ends at a name written after a dot
// or in an import statement. So a file where no such chain ends in a name an entry needs has no
// finding, and is never parsed. Anything the scan does not fully understand (an unterminated string,
// unbalanced brackets, a stray character) makes it say "maybe": the tree then decides.
import type { PyReference } from '../model';

const enum Token {
  Name,
  Op,
  /** A string (or an f-string's literal parts) or a number: nothing a chain can start from. */
  Opaque,
  Newline,
  /** The `}` that ends an f-string's replacement field. */
  FieldEnd,
  /** A string's opening quote (its closing one is Opaque). */
  StringStart,
}

/** Python's hard keywords: a `(` after one opens a parenthesized expression, not a call. */
const hardKeywords = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield',
]);

/** F-strings inside f-strings deeper than this are left to the tree (the scan recurses once per level). */
const maxFieldNesting = 200;
/** Parentheses around parentheses: the tree walk follows 64 links at most, so deeper ones resolve to nothing. */
const maxResolveDepth = 64;

const stringPrefixes = new Set(['r', 'u', 'b', 'br', 'rb', 'f', 'fr', 'rf', 't', 'tr', 'rt']);

/** The tokens of a file, flat: kinds, texts (names and operators), each bracket's partner, logical lines. */
interface Tokens {
  /** Typed arrays of exactly the token count (read past the end: undefined, as an array's). */
  kinds: Uint8Array;
  texts: string[];
  /** For each name: which keyword sets hold it (nameFlags); 0 for other tokens. */
  flags: Uint8Array;
  /** For each `(`, `[`, `{` and closing bracket: the index of its partner; -1 elsewhere. */
  partner: Int32Array;
  /** How many brackets are open around each token (a bracket itself counts outside). */
  depth: Int32Array;
  /** The innermost open bracket around each token, or -1. */
  enclosing: Int32Array;
  /** The indentation (in columns, a tab to the next multiple of 8) of each token that starts a line; -1 for the others. */
  indents: Int32Array;
}

class Anomaly extends Error {}

const identifierAt = /[\p{ID_Start}_][\p{ID_Continue}]*/uy;
const isAsciiNameStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isAsciiNamePart = (c: number): boolean => isAsciiNameStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Tokenizes `text`; throws Anomaly on anything a valid file would not hold. */
function tokenize(text: string): Tokens {
  let capacity = (text.length >>> 2) + 16;
  let kinds = new Uint8Array(capacity);
  let flags = new Uint8Array(capacity);
  let partner = new Int32Array(capacity);
  let depth = new Int32Array(capacity);
  let enclosing = new Int32Array(capacity);
  let indents = new Int32Array(capacity);
  const texts: string[] = [];
  let count = 0;
  const open: number[] = [];
  const grow = (): void => {
    capacity *= 2;
    const bigger = <A extends Uint8Array | Int32Array>(from: A): A => {
      const to = new (from.constructor as new (n: number) => A)(capacity);
      to.set(from);
      return to;
    };
    kinds = bigger(kinds);
    flags = bigger(flags);
    partner = bigger(partner);
    depth = bigger(depth);
    enclosing = bigger(enclosing);
    indents = bigger(indents);
  };
  /** Where the token being read starts (set at each step of scanCode). */
  let tokenAt = 0;
  const push = (kind: Token, value: string): number => {
    if (count === capacity) grow();
    indents[count] = count === 0 || kinds[count - 1] === Token.Newline ? indentation(tokenAt) : -1;
    kinds[count] = kind;
    if (kind === Token.Name) flags[count] = nameFlags.get(value) ?? 0;
    texts.push(value);
    partner[count] = -1;
    depth[count] = open.length;
    enclosing[count] = open.length > 0 ? open[open.length - 1]! : -1;
    return count++;
  };
  const n = text.length;
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const indentation = (at: number): number => {
    let lineStart = at;
    while (lineStart > start && text.charCodeAt(lineStart - 1) !== 10 && text.charCodeAt(lineStart - 1) !== 13) lineStart--;
    let column = 0;
    for (let k = lineStart; k < at; k++) {
      const c = text.charCodeAt(k);
      column = c === 9 ? column + 8 - (column % 8) : c === 12 ? 0 : column + 1;
    }
    return column;
  };

  /** A string literal whose opening quote is at `at`; returns the index after it. */
  const scanString = (at: number, prefix: string): number => {
    const quote = text.charCodeAt(at);
    const triple = text.charCodeAt(at + 1) === quote && text.charCodeAt(at + 2) === quote;
    const formatted = /[ft]/i.test(prefix);
    let j = at + (triple ? 3 : 1);
    push(Token.StringStart, '');
    for (;;) {
      if (j >= n) throw new Anomaly('unterminated string');
      const c = text.charCodeAt(j);
      if (c === 92) {
        // A backslash keeps the next character inside the string, raw or not; not a field's brace.
        j += formatted && (text.charCodeAt(j + 1) === 123 || text.charCodeAt(j + 1) === 125) ? 1 : 2;
        continue;
      }
      if (c === quote && (!triple || (text.charCodeAt(j + 1) === quote && text.charCodeAt(j + 2) === quote))) {
        j += triple ? 3 : 1;
        push(Token.Opaque, '');
        return j;
      }
      if (!triple && (c === 10 || c === 13)) throw new Anomaly('newline in a string');
      if (formatted && c === 123) {
        if (text.charCodeAt(j + 1) === 123) {
          j += 2; // `{{`
          continue;
        }
        j = scanField(j + 1);
        continue;
      }
      if (formatted && c === 125) {
        if (text.charCodeAt(j + 1) !== 125) throw new Anomaly('single } in an f-string');
        j += 2;
        continue;
      }
      j++;
    }
  };

  /** An f-string's replacement field after its `{`: code, then maybe `!r` and a format spec; returns the index after its `}`. */
  let fields = 0;
  const scanField = (from: number): number => {
    if (++fields > maxFieldNesting) throw new Anomaly('f-strings nested too deep');
    const base = open.length;
    const tokensBefore = count;
    let j = scanCode(from, base);
    if (count === tokensBefore) throw new Anomaly('empty replacement field');
    // scanCode stopped at `}`, `:` or `!` with no bracket of the field open.
    if (text.charCodeAt(j) === 33) {
      j++;
      while (j < n && isAsciiNamePart(text.charCodeAt(j))) j++;
    }
    if (text.charCodeAt(j) === 58) {
      // The format spec is text, with fields of its own (`{x:{width}}`).
      j++;
      for (;;) {
        if (j >= n) throw new Anomaly('unterminated format spec');
        const c = text.charCodeAt(j);
        if (c === 125) break;
        if (c === 123) j = scanField(j + 1);
        else if (c === 10 || c === 13 || c === 34 || c === 39) throw new Anomaly('quote or newline in a format spec');
        else j++;
      }
    }
    if (text.charCodeAt(j) !== 125) throw new Anomaly('unterminated replacement field');
    push(Token.FieldEnd, '');
    fields--;
    return j + 1;
  };

  /**
   * Code from `from`: at top level (field === -1) to the end of the text; inside an f-string field,
   * to the `}`, `:` or `!` that ends its expression (`field` is the bracket depth it started at).
   */
  const scanCode = (from: number, field: number): number => {
    let j = from;
    while (j < n) {
      const c = text.charCodeAt(j);
      tokenAt = j;
      if (c === 32 || c === 9 || c === 12) {
        j++;
      } else if (c === 10 || c === 13) {
        if (open.length === 0 && field < 0) push(Token.Newline, '');
        j++;
      } else if (c === 35) {
        if (field >= 0) throw new Anomaly('comment in a replacement field');
        while (j < n && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) j++;
      } else if (c === 92) {
        // A line continuation; a backslash anywhere else is an error the tree would recover from.
        const next = text.charCodeAt(j + 1);
        if (next === 10) j += 2;
        else if (next === 13) j += text.charCodeAt(j + 2) === 10 ? 3 : 2;
        else throw new Anomaly('stray backslash');
        // A continuation onto a blank or comment line: the tree reads on into the next line.
        let k = j;
        while (k < n && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
        if (k >= n || text.charCodeAt(k) === 10 || text.charCodeAt(k) === 13 || text.charCodeAt(k) === 35) throw new Anomaly('continuation onto a blank line');
      } else if (c === 34 || c === 39) {
        j = scanString(j, '');
      } else if (isAsciiNameStart(c) || c > 127) {
        let end = j + 1;
        if (c > 127 || !isAsciiNameStart(c)) {
          identifierAt.lastIndex = j;
          const match = identifierAt.exec(text);
          if (!match) throw new Anomaly('unexpected character');
          end = j + match[0].length;
        } else {
          while (end < n) {
            const d = text.charCodeAt(end);
            if (isAsciiNamePart(d)) end++;
            else if (d > 127) {
              identifierAt.lastIndex = j;
              end = j + identifierAt.exec(text)![0].length;
              break;
            } else break;
          }
        }
        const word = text.slice(j, end);
        const q = text.charCodeAt(end);
        if ((q === 34 || q === 39) && stringPrefixes.has(word.toLowerCase())) j = scanString(end, word);
        else {
          push(Token.Name, word);
          j = end;
        }
      } else if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(j + 1)))) {
        // A number, exponent signs and all (`1e-5`): a chain never starts from one.
        const hex = c === 48 && (text.charCodeAt(j + 1) | 32) === 120;
        j++;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (isAsciiNamePart(d) || d === 46) j++;
          else if ((d === 43 || d === 45) && (text.charCodeAt(j - 1) | 32) === 101 && !hex) j++;
          else break;
        }
        push(Token.Opaque, '');
      } else if (c === 40 || c === 91 || c === 123) {
        open.push(push(Token.Op, text[j]!));
        j++;
      } else if (c === 41 || c === 93 || c === 125) {
        if (field >= 0 && open.length === field) {
          if (c === 125) return j;
          throw new Anomaly('unbalanced brackets');
        }
        const opener = open.pop();
        if (opener === undefined || texts[opener] !== (c === 41 ? '(' : c === 93 ? '[' : '{')) throw new Anomaly('unbalanced brackets');
        const at = push(Token.Op, text[j]!);
        depth[at] = open.length;
        enclosing[at] = open.length > 0 ? open[open.length - 1]! : -1;
        partner[opener] = at;
        partner[at] = opener;
        j++;
      } else if (field >= 0 && open.length === field && (c === 58 || c === 33) && text.charCodeAt(j + 1) !== 61) {
        return j; // `:` of a format spec, `!` of a conversion (`!=` is an operator)
      } else if (c === 46) {
        if (text.charCodeAt(j + 1) === 46 && text.charCodeAt(j + 2) === 46) {
          push(Token.Op, '...');
          j += 3;
        } else {
          push(Token.Op, '.');
          j++;
        }
      } else if (c === 61) {
        if (text.charCodeAt(j + 1) === 61) {
          push(Token.Op, '==');
          j += 2;
        } else {
          push(Token.Op, '=');
          j++;
        }
      } else if (c === 44 || c === 58 || c === 59) {
        if (c === 58 && text.charCodeAt(j + 1) === 61) {
          push(Token.Op, ':=');
          j += 2;
        } else {
          push(Token.Op, text[j]!);
          j++;
        }
      } else if ('+-*/%&|^~<>!@'.includes(text[j]!)) {
        // Operators, augmented assignments among them (`+=`, `**=`, `->`): one token each, never `=`.
        let end = j + 1;
        if ((c === 42 || c === 47 || c === 60 || c === 62) && text.charCodeAt(end) === c) end++;
        if (c === 45 && text.charCodeAt(end) === 62) end++;
        else if (text.charCodeAt(end) === 61) end++;
        push(Token.Op, text.slice(j, end));
        j = end;
      } else {
        throw new Anomaly('unexpected character');
      }
    }
    if (field >= 0) throw new Anomaly('unterminated replacement field');
    return j;
  };

  scanCode(start, -1);
  if (open.length > 0) throw new Anomaly('unbalanced brackets');
  push(Token.Newline, '');
  return {
    kinds: kinds.subarray(0, count),
    texts,
    flags: flags.subarray(0, count),
    partner: partner.subarray(0, count),
    depth: depth.subarray(0, count),
    enclosing: enclosing.subarray(0, count),
    indents: indents.subarray(0, count),
  };
}

/** What a query looks for: its names and keywords select the places to look, `wants` judges the paths found there. */
export interface ScanQuery {
  /** Last names of the paths wanted; `*` inside a name matches word characters, a bare `*` any name. */
  names: readonly string[];
  /** Keyword arguments wanted (`evaluation_strategy=`). */
  keywords: readonly string[];
  /**
   * Whether a reference with this dotted path (and, for a keyword argument, this keyword) is wanted.
   * A function of its arguments alone: the scan remembers its answers for the query, across files
   * (deprecated-api asks the same query objects about every file), as it reads names and keywords once.
   */
  wants(path: string, keyword?: string): boolean;
}

/** A query read once: its names as a set and patterns, its answers so far. */
interface CompiledQuery {
  anyName: boolean;
  plain: Set<string>;
  patterns: RegExp[];
  keywords: readonly string[];
  keywordSet: Set<string>;
  answers: Map<string, boolean>;
  wants(path: string, keyword?: string): boolean;
}
const compiledQueries = new WeakMap<ScanQuery, CompiledQuery>();
/** Answers remembered per query (a path and keyword each); past this many the memory is dropped and starts again (with all 22 libraries asked about all of debian-ml: ~17,000 paths a query). */
const maxAnswers = 10_000;

function compileQuery(query: ScanQuery): CompiledQuery {
  let compiled = compiledQueries.get(query);
  if (compiled) return compiled;
  const answers = new Map<string, boolean>();
  compiled = {
    anyName: query.names.includes('*'),
    plain: new Set(query.names.filter((name) => !name.includes('*'))),
    patterns: query.names.filter((name) => name.includes('*') && name !== '*').map((name) => new RegExp(`^${name.split('*').map(escape).join('[A-Za-z0-9_]*')}$`)),
    keywords: [...new Set(query.keywords)],
    keywordSet: new Set(query.keywords),
    answers,
    wants(path, keyword) {
      const key = keyword === undefined ? path : `${path}\0${keyword}`;
      let answer = answers.get(key);
      if (answer === undefined) {
        if (answers.size >= maxAnswers) answers.clear();
        answers.set(key, (answer = query.wants(path, keyword)));
      }
      return answer;
    },
  };
  compiledQueries.set(query, compiled);
  return compiled;
}

export interface PythonScan {
  /** False only when no reference the tree walk could report is one the query wants. */
  mayReach(query: ScanQuery): boolean;
  /** The text held something the scan does not read (it then says "maybe" to everything). */
  unsure: boolean;
}

const maybe: PythonScan = { mayReach: () => true, unsure: true };

/** The query one reference answers to (for checking the scan against the tree walk). */
export function referenceQuery(ref: PyReference): ScanQuery {
  const names = ref.path.replace(/\(\)/g, '').split('.');
  return {
    names: ref.kind === 'keyword' ? [] : ref.path.endsWith('()') ? ['*'] : [names[names.length - 1]!],
    keywords: ref.kind === 'keyword' ? [ref.keyword!] : [],
    wants: (path, keyword) => path === ref.path && keyword === (ref.kind === 'keyword' ? ref.keyword : undefined),
  };
}

/** More paths than this for one name (`node = node.next`), and it may be bound to anything. */
const maxPathsPerName = 16;
/** Rounds of assignments passing paths on; never reached (each round binds something new), a safety stop. */
const maxRounds = 64;

/** A name bound to too many paths to follow: a chain from it may end anywhere its last name allows. */
const anyPath = 'any' as const;
type Paths = Set<string> | typeof anyPath;

class GiveUp extends Error {}

/** Scans `text` once; each query then costs one pass over its tokens. */
export function scanPython(text: string): PythonScan {
  let tokens: Tokens;
  try {
    tokens = tokenize(text);
  } catch (error) {
    if (error instanceof Anomaly) return maybe;
    throw error;
  }
  try {
    return analyse(tokens);
  } catch (error) {
    if (error instanceof GiveUp) return maybe;
    throw error;
  }
}

/** Statements that end their header with a `:` and may go on, on the same line, with a statement. */
const compoundKeywords = new Set(['if', 'elif', 'else', 'try', 'except', 'finally', 'with', 'for', 'while', 'def', 'class', 'async', 'match', 'case']);

/** Names that may be followed by a name or a string in valid code (`match x:`, `print "x"` in Python 2 code the tree reads). */
const softKeywords = new Set(['match', 'case', 'type', 'print', 'exec']);
/** The keywords that may follow a name (`x if y else z`, `x in y`, `raise x from y`, `[x async for x in y]`). */
const keywordsAfterName = new Set(['if', 'else', 'for', 'in', 'is', 'and', 'or', 'not', 'as', 'from', 'import', 'async']);
/** The operators an expression may start with (after `=`). */
const expressionStarts = new Set(['(', '[', '{', '-', '+', '~', '*', '**', '...']);
const closers = new Set([')', ']', '}']);
/** The operators a line may end with: closing brackets, a header's colon, `;`, a trailing comma, `...`, `import *`. */
const lineEndings = new Set([')', ']', '}', ':', ';', ',', '...', '*']);

/** A name's keyword sets, one bit each, looked up once per name token. */
const enum Flag {
  Hard = 1,
  Soft = 2,
  Compound = 4,
  AfterName = 8,
}
const nameFlags = new Map<string, number>();
for (const [set, flag] of [[hardKeywords, Flag.Hard], [softKeywords, Flag.Soft], [compoundKeywords, Flag.Compound], [keywordsAfterName, Flag.AfterName]] as const) {
  for (const word of set) nameFlags.set(word, (nameFlags.get(word) ?? 0) | flag);
}

/**
 * One thing that binds a name, as python.ts reads it: an import (a path), `name = value`, or an
 * annotation (`name: Type`, an instance of the type) or `with value as name`, as token ranges.
 */
type BindingEvent = { path: string } | { start: number; end: number; instance: boolean };

function analyse({ kinds, texts, flags, partner, depth, enclosing, indents }: Tokens): PythonScan {
  const count = kinds.length;
  const isName = (t: number, value?: string): boolean => kinds[t] === Token.Name && (value === undefined || texts[t] === value);
  const isOp = (t: number, value: string): boolean => kinds[t] === Token.Op && texts[t] === value;
  const isPlainName = (t: number): boolean => kinds[t] === Token.Name && (flags[t]! & Flag.Hard) === 0;

  // Where each statement starts: after a newline, a `;`, or the `:` that ends a compound statement's
  // header (`if x: y = 1`), never after an annotation's or a lambda's colon.
  const statementStart = new Int32Array(count);
  for (let t = 0, start = 0, lambda = false; t < count; t++) {
    statementStart[t] = start;
    if (kinds[t] === Token.Newline || (depth[t] === 0 && isOp(t, ';'))) {
      start = t + 1;
      lambda = false;
    } else if (depth[t] === 0 && isName(t, 'lambda')) lambda = true;
    else if (depth[t] === 0 && isOp(t, ':') && !lambda && kinds[start] === Token.Name && (flags[start]! & Flag.Compound) !== 0 && !((flags[start]! & Flag.Soft) !== 0 && (isOp(start + 1, ':') || isOp(start + 1, '=')))) {
      start = t + 1;
    }
  }
  const startsStatement = (t: number): boolean => statementStart[t] === t;
  // Where each statement ends (exclusive): the next newline or `;` outside brackets.
  const ends = new Int32Array(count);
  for (let t = count - 1, end = count; t >= 0; t--) {
    if (kinds[t] === Token.Newline || (depth[t] === 0 && isOp(t, ';'))) end = t;
    ends[t] = end;
  }
  const statementEnd = (t: number): number => ends[t]!;

  // Where the text is not Python, the tree's error recovery may read other statements than the
  // scan does (it skips a token, joins two lines): those files are left to the tree. A sample of
  // what valid code never holds: two names in a row, a dot not followed by a name, a line ending in
  // an operator, a compound statement without its colon.
  const levels = [0];
  for (let t = 0, colon = false; t < count; t++) {
    const kind = kinds[t];
    const indent = indents[t]!;
    if (indent >= 0 && kind !== Token.Newline) {
      // Indentation: a block opens only after a `:`, and a line goes back to a level it left.
      let last = t - 1;
      while (last >= 0 && kinds[last] === Token.Newline) last--;
      const opens = last >= 0 && isOp(last, ':');
      if (indent > levels[levels.length - 1]!) {
        if (!opens) throw new GiveUp();
        levels.push(indent);
      } else {
        if (opens) throw new GiveUp();
        while (indent < levels[levels.length - 1]!) levels.pop();
        if (indent !== levels[levels.length - 1]) throw new GiveUp();
      }
    }
    // After an operand (a name, a literal, a closing bracket) comes an operator, a line's end, one
    // of a few keywords, or another string (`"a" "b"`).
    const operandEnd = (kind === Token.Name && (flags[t]! & (Flag.Hard | Flag.Soft)) === 0) || kind === Token.Opaque || (kind === Token.Op && closers.has(texts[t]!));
    if (operandEnd && t + 1 < count) {
      const next = kinds[t + 1];
      if (next === Token.Name && (flags[t + 1]! & Flag.AfterName) === 0) throw new GiveUp();
      if ((next === Token.Opaque || next === Token.StringStart) && kind !== Token.Opaque) throw new GiveUp();
    }
    if (kind === Token.Op && texts[t] === '=' && kinds[t + 1] === Token.Op && !expressionStarts.has(texts[t + 1]!)) throw new GiveUp();
    if (kind === Token.Op && texts[t] === '.' && !isName(statementStart[t]!, 'from')) {
      if (!isPlainName(t + 1) || t === 0 || (kinds[t - 1] !== Token.Name && kinds[t - 1] !== Token.Opaque && !closers.has(texts[t - 1]!))) throw new GiveUp();
    }
    // `name=` in brackets is a keyword argument or a default: after `(`, `,` or `lambda` (or `f"{x=}"`;
    // a def's annotated defaults are left alone).
    if (kind === Token.Op && texts[t] === '=' && enclosing[t]! >= 0 && kinds[t + 1] !== Token.FieldEnd && !isName(enclosing[t]! - 2, 'def')) {
      if (!isName(t - 1) || !(isOp(t - 2, '(') || isOp(t - 2, ',') || isName(t - 2, 'lambda'))) throw new GiveUp();
    }
    if (kind === Token.Op && depth[t] === 0 && texts[t] === ':') colon = true;
    if (kind === Token.Newline) {
      if (t > 0 && kinds[t - 1] === Token.Op && !lineEndings.has(texts[t - 1]!)) throw new GiveUp();
      const first = statementStart[t]!;
      if (first < t && kinds[first] === Token.Name && (flags[first]! & (Flag.Compound | Flag.Soft)) === Flag.Compound && !colon) throw new GiveUp();
      colon = false;
    } else if (kind === Token.Op && depth[t] === 0 && texts[t] === ';') colon = false;
  }

  // A malformed import is where the tree's error recovery reads another statement than the scan
  // (`from huggi` + newline + `ngface_hub import x` becomes one import): the tree decides those files.
  for (let t = 0; t < count; t++) {
    if (!isName(t, 'import') && !(isName(t, 'from') && startsStatement(t))) continue;
    if (isName(t, 'import') && !startsStatement(t) && !isName(statementStart[t]!, 'from')) throw new GiveUp();
    if (startsStatement(t) && !wellFormedImport(t, statementEnd(t))) throw new GiveUp();
  }

  const events = new Map<string, BindingEvent[]>();
  const addEvent = (name: string, event: BindingEvent): void => {
    const list = events.get(name);
    if (list) list.push(event);
    else events.set(name, [event]);
  };
  const importPaths: string[] = [];
  const dotted = (from: number, end: number): { path: string; next: number } | null => {
    if (!isName(from)) return null;
    let path = texts[from]!;
    let u = from + 1;
    while (u + 1 < end && isOp(u, '.') && isName(u + 1)) {
      path += `.${texts[u + 1]}`;
      u += 2;
    }
    return { path, next: u };
  };

  for (let t = 0; t < count; t++) {
    if (kinds[t] !== Token.Name) continue;
    const word = texts[t]!;
    if (word === 'import' && startsStatement(t)) {
      // import a.b.c, d as e
      const end = statementEnd(t);
      for (let u = t + 1; u < end; ) {
        const item = dotted(u, end);
        if (!item) {
          u++;
          continue;
        }
        importPaths.push(item.path);
        if (isName(item.next, 'as') && isName(item.next + 1)) {
          addEvent(texts[item.next + 1]!, { path: item.path });
          u = item.next + 2;
        } else {
          const top = item.path.split('.')[0]!;
          addEvent(top, { path: top });
          u = item.next;
        }
      }
    } else if (word === 'from' && startsStatement(t)) {
      // from a.b import c as d, (e, f); relative imports stay inside their package
      const end = statementEnd(t);
      const module = dotted(t + 1, end);
      // `from __future__ import x` is a statement of its own to the tree: it binds nothing.
      if (!module || !isName(module.next, 'import') || module.path === '__future__') continue;
      importPaths.push(module.path);
      for (let u = module.next + 1; u < end; ) {
        if (!isPlainName(u)) {
          u++;
          continue;
        }
        const path = `${module.path}.${texts[u]}`;
        importPaths.push(path);
        if (isName(u + 1, 'as') && isName(u + 2)) {
          addEvent(texts[u + 2]!, { path });
          u += 3;
        } else {
          addEvent(texts[u]!, { path });
          u++;
        }
      }
    } else if ((flags[t]! & Flag.Hard) === 0 && (startsStatement(t) || (depth[t] === 0 && isOp(t - 1, '=')))) {
      // `x = value`, `x = y = value` and `a[k] = y = value` (y's), `x: Type` / `x: Type = value`
      if (isOp(t + 1, '=')) addEvent(word, { start: t + 2, end: statementEnd(t), instance: false });
      else if (isOp(t + 1, ':') && startsStatement(t)) {
        const end = statementEnd(t);
        let typeEnd = t + 2;
        while (typeEnd < end && !(depth[typeEnd] === 0 && isOp(typeEnd, '='))) typeEnd++;
        addEvent(word, { start: t + 2, end: typeEnd, instance: true });
      }
    } else if (word === 'def' && isPlainName(t + 1) && isOp(t + 2, '(')) {
      // Annotated parameters: `def f(df: pd.DataFrame, n: int = 1)`.
      const close = partner[t + 2]!;
      const inner = depth[t + 2]! + 1;
      for (let u = t + 3; u < close; u++) {
        if (depth[u] !== inner || !isPlainName(u) || !isOp(u + 1, ':') || !(isOp(u - 1, '(') || isOp(u - 1, ','))) continue;
        let typeEnd = u + 2;
        while (typeEnd < close && !(depth[typeEnd] === inner && (isOp(typeEnd, ',') || isOp(typeEnd, '=')))) typeEnd++;
        addEvent(texts[u]!, { start: u + 2, end: typeEnd, instance: true });
      }
    } else if (word === 'as' && isPlainName(t + 1) && (isOp(t + 2, ',') || isOp(t + 2, ':') || isOp(t + 2, ')'))) {
      // `with gr.Blocks() as demo:`: the item runs back to `with`, a `,` or the bracket around the items.
      const first = statementStart[t];
      const isWith = isName(first, 'with') || (isName(first, 'async') && isName(first + 1, 'with'));
      if (!isWith) continue;
      let start = t - 1;
      while (start > first && depth[start - 1]! >= depth[t]! && !(depth[start - 1] === depth[t] && (isOp(start - 1, ',') || isName(start - 1, 'with')))) start--;
      addEvent(texts[t + 1]!, { start, end: t, instance: false });
    }
  }

  /** `import a.b as c, d` or `from ..a import (b as c, d,)`, from token `t` to `end`, and nothing else. */
  function wellFormedImport(t: number, end: number): boolean {
    const dottedName = (u: number): number => {
      if (!isPlainName(u)) return -1;
      u++;
      while (isOp(u, '.') && isPlainName(u + 1)) u += 2;
      return u;
    };
    const alias = (u: number): number => (isName(u, 'as') ? (isPlainName(u + 1) ? u + 2 : -1) : u);
    if (isName(t, 'import')) {
      for (let u = t + 1; ; u++) {
        u = dottedName(u);
        if (u < 0 || (u = alias(u)) < 0) return false;
        if (u === end) return true;
        if (!isOp(u, ',')) return false;
      }
    }
    let u = t + 1;
    const relative = isOp(u, '.') || isOp(u, '...');
    while (isOp(u, '.') || isOp(u, '...')) u++;
    if (!isName(u, 'import')) {
      u = dottedName(u);
      if (u < 0) return false;
    } else if (!relative) return false;
    if (!isName(u, 'import')) return false;
    u++;
    if (isOp(u, '*')) return u + 1 === end;
    const close = isOp(u, '(') ? partner[u]! : end;
    if (isOp(u, '(')) {
      if (close + 1 !== end) return false;
      u++;
    }
    for (;;) {
      if (!isPlainName(u) || (u = alias(u + 1)) < 0) return false;
      if (u === close) return true;
      if (!isOp(u, ',')) return false;
      u++;
      if (u === close && close !== end) return true; // a trailing comma inside the parentheses
    }
  }

  /** The first token of the chain that ends at token `end` (walking back over links, calls and parentheses), or null. */
  function chainStart(end: number): number | null {
    let u = end;
    // Past the walk's link limit a chain resolves to nothing, so the walk back stops there too.
    for (let links = 0; u >= 0 && links <= maxResolveDepth + 8; links++) {
      if (isPlainName(u)) {
        if (u > 0 && isOp(u - 1, '.')) {
          u -= 2;
          continue;
        }
        return u;
      }
      if (isOp(u, ')')) {
        const opener = partner[u]!;
        if (opener > 0 && (isPlainName(opener - 1) || isOp(opener - 1, ')'))) {
          u = opener - 1;
          continue;
        }
        return opener;
      }
      return null;
    }
    return null;
  }

  /**
   * The paths the tree walk could give the expression in tokens [start, end), its names read in
   * `table`, when it is a chain of names, links, calls and parentheses; null when it is anything
   * else (the walk resolves nothing else) or starts at a name the table does not bind.
   */
  function chainPaths(start: number, end: number, table: Map<string, Paths>, nesting = 0): Paths | null {
    if (start >= end || nesting > maxResolveDepth) return null;
    let paths: Paths | null;
    let u: number;
    if (isPlainName(start)) {
      paths = table.get(texts[start]!) ?? null;
      u = start + 1;
    } else if (isOp(start, '(')) {
      const close = partner[start]!;
      if (close >= end) return null;
      paths = chainPaths(start + 1, close, table, nesting + 1);
      u = close + 1;
    } else return null;
    if (!paths || (paths !== anyPath && paths.size === 0)) return null;
    let suffix = '';
    while (u < end) {
      if (isOp(u, '.') && u + 1 < end && isName(u + 1)) {
        suffix += `.${texts[u + 1]}`;
        u += 2;
      } else if (isOp(u, '(')) {
        suffix += '()';
        u = partner[u]! + 1;
      } else return null;
    }
    if (!suffix || paths === anyPath) return paths;
    const out = new Set<string>();
    for (const path of paths) out.add(path + suffix);
    return out;
  }

  /** What one event binds its name to, names read in `table` (null: it binds nothing; the walk then unbinds the name). */
  const eventPaths = (event: BindingEvent, table: Map<string, Paths>): Paths | null => {
    if ('path' in event) return new Set([event.path]);
    const paths = chainPaths(event.start, event.end, table);
    if (!event.instance || !paths || paths === anyPath) return paths;
    const out = new Set<string>();
    for (const path of paths) if (!path.includes('()')) out.add(`${path}()`);
    return out;
  };
  const isNone = (event: BindingEvent): boolean => !('path' in event) && !event.instance && event.end === event.start + 1 && isName(event.start, 'None');
  /**
   * `x = x.y`, `x = x.f()`, `with x.open() as x`: the value is a chain from the name itself, longer
   * than the name. When the walk meets it, the name is bound to some path (the value then resolves to
   * a longer one, and two paths unbind the name) or to nothing (the value does not resolve, and the
   * name is unbound at the end). Either way it never binds a path, and the name ends unresolved.
   */
  const selfReferring = new Set<BindingEvent>();
  for (const [name, list] of events) {
    const ownName = new Map<string, Paths>([[name, new Set([''])]]);
    for (const event of list) {
      if ('path' in event || event.instance) continue;
      const own = chainPaths(event.start, event.end, ownName);
      if (own !== null && own !== anyPath && !own.has('')) selfReferring.add(event);
    }
  }

  // Every path a name may hold while the walk binds (it takes two rounds over the assignments, in
  // order: what any number of rounds gives holds more), for reading the values of assignments.
  const held = new Map<string, Paths>();
  const hold = (name: string, paths: Paths): boolean => {
    const known = held.get(name);
    if (known === anyPath) return false;
    if (paths === anyPath || (known?.size ?? 0) + paths.size > maxPathsPerName) {
      held.set(name, anyPath);
      return true;
    }
    let changed = false;
    const into = known ?? new Set<string>();
    for (const path of paths) if (!into.has(path)) (into.add(path), (changed = true));
    if (!known) held.set(name, into);
    return changed;
  };
  for (let round = 0, changed = true; changed; round++) {
    if (round >= maxRounds) throw new GiveUp();
    changed = false;
    for (const [name, list] of events) {
      for (const event of list) {
        if (isNone(event) || selfReferring.has(event)) continue;
        const paths = eventPaths(event, held);
        if (paths && hold(name, paths)) changed = true;
      }
    }
  }

  // What a reference can start from: the walk keeps a name's binding only when every one of its
  // events binds it to the same path (two paths, or a value it cannot read, leave it unresolved).
  const bindings = new Map<string, Paths>();
  for (const [name, list] of events) {
    if (list.some((event) => selfReferring.has(event))) continue;
    let common: Paths | null = anyPath;
    for (const event of list) {
      if (isNone(event)) continue;
      const paths = eventPaths(event, held);
      if (!paths) {
        common = null;
        break;
      }
      if (paths === anyPath) continue;
      const these: Set<string> = paths;
      common = common === anyPath ? these : new Set([...(common as Set<string>)].filter((p) => these.has(p)));
      if (common.size === 0) break;
    }
    if (common && (common === anyPath ? list.some((e) => !isNone(e)) : common.size > 0)) bindings.set(name, common);
  }

  /** The paths of the chain that ends at token `end`, walking back to its first name. */
  const pathsEndingAt = (end: number): Paths | null => {
    const start = chainStart(end);
    return start === null ? null : chainPaths(start, end + 1, bindings);
  };

  /** The paths of the call whose argument list holds token `t`, or null when it is not in a call's arguments. */
  const calleeOf = (t: number): Paths | null => {
    const u = enclosing[t]!;
    if (u < 0 || !isOp(u, '(')) return null;
    return u > 0 && (isPlainName(u - 1) || isOp(u - 1, ')')) ? pathsEndingAt(u - 1) : null;
  };

  // Where queries look, read once on the first query: the names after a dot and the keyword
  // arguments (their token positions), the calls of calls (`f(x)(y)`), and whether a name bound to
  // anything is called; the paths of the chains ending at those places are worked out once,
  // whichever query asks.
  interface Places {
    afterDot: number[];
    keywordArguments: number[];
    callsOfCalls: number[];
    /** A name bound to anything is called (`f(x)`, `(f)(x)`): that call's path is the name's binding, whatever it is. */
    callsAnything: boolean;
  }
  let places: Places | null = null;
  const readPlaces = (): Places => {
    const found: Places = { afterDot: [], keywordArguments: [], callsOfCalls: [], callsAnything: false };
    for (let t = 1; t < count; t++) {
      const kind = kinds[t];
      if (kind === Token.Op) {
        if (isOp(t, '(') && isOp(t - 1, ')')) found.callsOfCalls.push(t);
      } else if (kind === Token.Name) {
        if (isOp(t - 1, '.')) found.afterDot.push(t);
        if (isOp(t + 1, '=') && (isOp(t - 1, '(') || isOp(t - 1, ','))) found.keywordArguments.push(t);
      }
    }
    // The other references from such a name are chains ending after a dot, calls of calls and
    // keyword arguments: the places above, where its chains' paths come out as "anything".
    for (let t = 0; t < count && !found.callsAnything; t++) {
      if (kinds[t] !== Token.Name || bindings.get(texts[t]!) !== anyPath || (t > 0 && isOp(t - 1, '.'))) continue;
      if (isOp(t + 1, '(') || isOp(t + 1, ')')) found.callsAnything = true;
    }
    return found;
  };
  const endingAt = new Map<number, Paths | null>();
  const pathsEndingAtOnce = (end: number): Paths | null => {
    let paths = endingAt.get(end);
    if (paths === undefined) endingAt.set(end, (paths = pathsEndingAt(end)));
    return paths;
  };
  const callees = new Map<number, Paths | null>();
  const calleeOfOnce = (t: number): Paths | null => {
    let paths = callees.get(t);
    if (paths === undefined) callees.set(t, (paths = calleeOf(t)));
    return paths;
  };

  return {
    unsure: false,
    mayReach(asked) {
      const query = compileQuery(asked);
      const wanted = (paths: Paths | null, keyword?: string): boolean => {
        if (!paths) return false;
        if (paths === anyPath) return true;
        for (const path of paths) if (query.wants(path, keyword)) return true;
        return false;
      };
      for (const path of importPaths) if (query.wants(path)) return true;
      // A name called on its own (`from numpy import product as p; p(x)`) is a reference with its binding's path.
      for (const paths of bindings.values()) if (paths !== anyPath && wanted(paths)) return true;
      places ??= readPlaces();
      const { anyName, plain, patterns } = query;
      const wantedName = (name: string): boolean => anyName || plain.has(name) || patterns.some((p) => p.test(name));
      if (places.callsAnything) return true;
      if (anyName) for (const t of places.callsOfCalls) if (wanted(pathsEndingAtOnce(t - 1))) return true; // `f(x)(y)`
      for (const t of places.afterDot) if (wantedName(texts[t]!) && wanted(pathsEndingAtOnce(t))) return true;
      if (query.keywords.length > 0) {
        for (const t of places.keywordArguments) {
          const name = texts[t]!;
          if (query.keywordSet.has(name) && wanted(calleeOfOnce(t), name)) return true;
        }
      }
      return false;
    },
  };
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
