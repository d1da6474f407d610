// YAML read with positions, for every kind written in YAML (conda environments, cog.yaml, CI
// workflows): the documents as the `yaml` package's nodes (each with its source range), syntax
// errors as problems at their position, scalars decoded with where each character was written
// (quoted, escaped, folded and block scalars), and aliases and merge keys followed within a budget
// of node visits, so an alias bomb costs a bounded amount of work. Never throws.
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, visit, type Document, type Node, type Pair, type Scalar } from '#yaml';
import { pushAll } from '../arrays';
import { LineIndex } from '../line-index';
import type { ParseProblem, Span } from '../model';
import type { MappedText } from './pyproject';

/** Larger YAML files are not read (a note says so): dependency files are a few KB. */
export const maxYamlLength = 2_000_000;

/** Node visits one file may make through its collections, aliases included; past it, the rest is not read. */
export const maxYamlVisits = 200_000;

/** Work left for walking one file's nodes; `exhausted` once a walk was cut short. */
export class YamlBudget {
  exhausted = false;
  constructor(private left: number = maxYamlVisits) {}

  /** Takes `n` visits; false (and exhausted from then on) when fewer are left. */
  take(n: number): boolean {
    if (this.exhausted) return false;
    if (n > this.left) {
      this.exhausted = true;
      this.left = 0;
      return false;
    }
    this.left -= n;
    return true;
  }
}

export interface YamlFile {
  text: string;
  lines: LineIndex;
  /** Every document of the stream (`---` separated); empty when the text was not read. */
  documents: Document.Parsed[];
  /** Syntax errors (and a `note` when the file was too large to read), at their positions. */
  problems: ParseProblem[];
  budget: YamlBudget;
}

/** Parses `text` as a YAML stream; errors become problems with the parser's message. */
export function parseYaml(text: string): YamlFile {
  const lines = new LineIndex(text);
  const file: YamlFile = { text, lines, documents: [], problems: [], budget: new YamlBudget() };
  if (text.length > maxYamlLength) {
    file.problems.push({ line: 1, span: { start: 0, end: 0 }, message: `Not checked: it is ${Math.round(text.length / 1000)} KB, over the ${maxYamlLength / 1_000_000} MB a YAML file may have to be read.`, level: 'note' });
    return file;
  }
  try {
    const parsed = parseAllDocuments(text, { keepSourceTokens: true, prettyErrors: false });
    // An empty stream parses to an EmptyStream (an array-like with no documents).
    file.documents = Array.isArray(parsed) ? parsed : [...parsed];
  } catch (error) {
    file.problems.push({ line: 1, span: { start: 0, end: Math.min(text.length, 1) }, message: `Invalid YAML: ${error instanceof Error ? error.message : String(error)}` });
    return file;
  }
  for (const doc of file.documents) {
    for (const error of doc.errors) {
      const start = Math.max(0, Math.min(error.pos[0], text.length));
      const end = Math.max(start, Math.min(error.pos[1], text.length));
      file.problems.push({ line: lines.positionAt(start).line + 1, span: { start, end }, message: `Invalid YAML: ${firstLine(error.message)}` });
    }
  }
  return file;
}

/** The parser's message without its position suffix and code excerpt (the span says where). */
function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').replace(/[.:]?\s*$/, '');
}

/** A node's written span (its value, without a trailing comment). */
export function nodeSpan(node: Node | Pair | null | undefined): Span | null {
  if (!node) return null;
  if (isPair(node)) {
    const key = nodeSpan(node.key as Node | null);
    const value = nodeSpan(node.value as Node | null);
    if (!key) return value;
    return { start: key.start, end: value ? Math.max(key.end, value.end) : key.end };
  }
  const range = (node as Node).range;
  return range ? { start: range[0], end: range[1] } : null;
}

/** Each anchor's nodes in document order, per document: an alias means the last one before it. */
const anchorCache = new WeakMap<Document.Parsed, Map<string, { at: number; node: Node }[]>>();

function anchorsOf(doc: Document.Parsed): Map<string, { at: number; node: Node }[]> {
  let anchors = anchorCache.get(doc);
  if (anchors) return anchors;
  anchors = new Map();
  const found = anchors;
  // The yaml package's own Alias.resolve walks the whole document on every call: once here instead.
  visit(doc, {
    Node(_, node) {
      if (isAlias(node) || !node.anchor) return;
      const list = found.get(node.anchor) ?? [];
      list.push({ at: node.range?.[0] ?? 0, node });
      found.set(node.anchor, list);
    },
  });
  anchorCache.set(doc, anchors);
  return anchors;
}

/** The node an alias stands for (one visit from the budget), or the node itself; null past the budget or for an unknown anchor. */
export function resolved(node: unknown, doc: Document.Parsed, budget: YamlBudget): Node | null {
  let current = node;
  for (let hops = 0; isAlias(current); hops++) {
    if (hops > 64 || !budget.take(1)) return null;
    const alias = current;
    const at = alias.range?.[0] ?? Infinity;
    let target: Node | null = null;
    for (const anchor of anchorsOf(doc).get(alias.source) ?? []) if (anchor.at < at) target = anchor.node;
    current = target;
  }
  return (current as Node | null | undefined) ?? null;
}

/** The items of a sequence (aliases resolved), or [] for anything else. */
export function seqItems(node: unknown, doc: Document.Parsed, budget: YamlBudget): Node[] {
  const seq = resolved(node, doc, budget);
  if (!isSeq(seq) || !budget.take(seq.items.length)) return [];
  const out: Node[] = [];
  for (const item of seq.items) {
    const value = resolved(item, doc, budget);
    if (value) out.push(value);
  }
  return out;
}

export interface MapEntry {
  /** The key as a string (a scalar key's value), null for complex keys. */
  key: string | null;
  keyNode: Node | null;
  /** The value, aliases resolved; null for an empty value (`key:`). */
  value: Node | null;
  pair: Pair;
}

/**
 * The entries of a mapping in order, aliases resolved, merge keys (`<<: *base`, YAML 1.1, used by
 * conda and GitLab CI) folded in: merged entries first, overridden by the mapping's own keys.
 */
export function mapEntries(node: unknown, doc: Document.Parsed, budget: YamlBudget, depth = 0): MapEntry[] {
  const map = resolved(node, doc, budget);
  if (!isMap(map) || !budget.take(map.items.length)) return [];
  const own: MapEntry[] = [];
  const merged: MapEntry[] = [];
  for (const pair of map.items) {
    const keyNode = resolved(pair.key, doc, budget);
    const key = isScalar(keyNode) && keyNode.value !== null && typeof keyNode.value !== 'object' ? String(keyNode.value) : null;
    const isMerge = key === '<<' && isScalar(keyNode) && keyNode.type === 'PLAIN';
    if (isMerge && depth < 16) {
      const sources = isSeq(resolved(pair.value, doc, budget)) ? seqItems(pair.value, doc, budget) : [pair.value];
      for (const source of sources) pushAll(merged, mapEntries(source, doc, budget, depth + 1));
      continue;
    }
    own.push({ key, keyNode, value: resolved(pair.value, doc, budget), pair });
  }
  if (merged.length === 0) return own;
  const ownKeys = new Set(own.map((e) => e.key));
  const seen = new Set<string | null>();
  const kept = merged.filter((e) => {
    if (e.key === null) return true;
    if (ownKeys.has(e.key) || seen.has(e.key)) return false;
    seen.add(e.key);
    return true;
  });
  return [...kept, ...own];
}

/** The value of `key` in a mapping (merge keys included), or null. */
export function mapValue(node: unknown, key: string, doc: Document.Parsed, budget: YamlBudget): MapEntry | null {
  return mapEntries(node, doc, budget).find((e) => e.key === key) ?? null;
}

/** A scalar's value as a string (numbers and booleans as written), or null for collections and nulls. */
export function scalarString(node: unknown, text: string): string | null {
  if (!isScalar(node) || node.value === null || node.value === undefined) return null;
  if (typeof node.value === 'string') return node.value;
  // `python_version: 3.10` is the number 3.1 to YAML; what was written is what the file means.
  if (node.type === 'PLAIN' && node.range) return text.slice(node.range[0], node.range[1]);
  return typeof node.value === 'object' ? null : String(node.value);
}

// ---------------------------------------------------------------------------------------------
// Scalars as written: the decoded text with, for each character, where it was written.

/**
 * A scalar's value with the file offsets of each of its characters: identity for plain text,
 * quotes stripped, escapes mapped to the escape sequence, folded line breaks to the break (and the
 * whitespace around it), block scalars without their indentation. A non-string value reads as
 * written. Where the decoding cannot be followed, every character maps to the whole value.
 */
export function scalarText(node: Scalar, text: string): MappedText {
  const [start, end] = node.range ?? [0, 0];
  const value = scalarString(node, text) ?? '';
  let decoded: Decoded | null = null;
  switch (node.type) {
    case 'QUOTE_DOUBLE':
      decoded = flowScalar(text, start + 1, Math.max(start + 1, end - 1), 'double');
      break;
    case 'QUOTE_SINGLE':
      decoded = flowScalar(text, start + 1, Math.max(start + 1, end - 1), 'single');
      break;
    case 'BLOCK_LITERAL':
    case 'BLOCK_FOLDED':
      decoded = blockScalar(text, start, end, node.type === 'BLOCK_FOLDED');
      break;
    default:
      decoded = flowScalar(text, start, end, 'plain');
  }
  if (decoded && decoded.text === value) return { text: decoded.text, starts: decoded.starts, ends: decoded.ends, whole: decoded.whole };
  // Not followed: the whole value stands for each character (spans stay inside the scalar).
  const whole = decoded?.whole ?? { start, end };
  return { text: value, starts: new Array<number>(value.length).fill(whole.start), ends: new Array<number>(value.length).fill(whole.end), whole };
}

interface Decoded {
  text: string;
  starts: number[];
  ends: number[];
  whole: Span;
}

class Builder {
  text = '';
  starts: number[] = [];
  ends: number[] = [];
  add(s: string, from: number, to: number): void {
    for (let k = 0; k < s.length; k++) {
      this.text += s[k]!;
      this.starts.push(from);
      this.ends.push(to);
    }
  }
}

const doubleEscapes: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b',
  ' ': ' ', '"': '"', '/': '/', '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029',
};
const hexDigits: Record<string, number> = { x: 2, u: 4, U: 8 };

const isBlank = (c: string | undefined) => c === ' ' || c === '\t';
const isBreak = (c: string | undefined) => c === '\n' || c === '\r';

/** A plain or quoted scalar between `from` and `to` (inside the quotes): escapes and line folding. */
function flowScalar(text: string, from: number, to: number, style: 'plain' | 'single' | 'double'): Decoded | null {
  const out = new Builder();
  let i = from;
  while (i < to) {
    const c = text[i]!;
    if (isBlank(c) || isBreak(c)) {
      // A run of whitespace: kept as is unless a line break is in it, which folds.
      let j = i;
      while (j < to && isBlank(text[j])) j++;
      if (j >= to || !isBreak(text[j])) {
        out.add(text.slice(i, j), i, j);
        i = j;
        continue;
      }
      let breaks = 0;
      let k = j;
      while (k < to && (isBlank(text[k]) || isBreak(text[k]))) {
        if (text[k] === '\r' && text[k + 1] === '\n') k++;
        if (isBreak(text[k])) breaks++;
        k++;
      }
      if (breaks === 1) out.add(' ', i, k);
      else out.add('\n'.repeat(breaks - 1), i, k);
      i = k;
      continue;
    }
    if (style === 'single' && c === "'" && text[i + 1] === "'") {
      out.add("'", i, i + 2);
      i += 2;
      continue;
    }
    if (style === 'double' && c === '\\') {
      const next = text[i + 1];
      if (next === undefined || i + 1 >= to) return null;
      if (isBreak(next)) {
        // An escaped line break: the break and the next line's leading whitespace vanish.
        let k = i + 1;
        if (text[k] === '\r' && text[k + 1] === '\n') k++;
        k++;
        while (k < to && isBlank(text[k])) k++;
        i = k;
        continue;
      }
      if (next in doubleEscapes) {
        out.add(doubleEscapes[next]!, i, i + 2);
        i += 2;
        continue;
      }
      const digits = hexDigits[next];
      if (digits === undefined) return null;
      const hex = text.slice(i + 2, i + 2 + digits);
      if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex)) return null;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) return null;
      out.add(String.fromCodePoint(code), i, i + 2 + digits);
      i += 2 + digits;
      continue;
    }
    out.add(c, i, i + 1);
    i++;
  }
  return { text: out.text, starts: out.starts, ends: out.ends, whole: { start: from, end: to } };
}

/** A `|` or `>` block scalar from its header at `from`: indentation removed, chomping applied, `>` folded. */
function blockScalar(text: string, from: number, to: number, folded: boolean): Decoded | null {
  const header = /^[|>]([1-9+-]?)([1-9+-]?)[^\r\n]*/.exec(text.slice(from, to));
  if (!header) return null;
  const indicators = header[1]! + header[2]!;
  const chomp = indicators.includes('-') ? 'strip' : indicators.includes('+') ? 'keep' : 'clip';
  const explicit = /[1-9]/.exec(indicators)?.[0];
  let i = from + header[0].length;
  if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
  else if (isBreak(text[i])) i++;
  else if (i < to) return null;
  const bodyStart = i;
  // The content lines: [start, end) of each line, its line break after it.
  const lines: { start: number; end: number; breakEnd: number }[] = [];
  while (i < to) {
    let e = i;
    while (e < to && !isBreak(text[e])) e++;
    let b = e;
    if (text[b] === '\r' && text[b + 1] === '\n') b += 2;
    else if (b < to && isBreak(text[b])) b++;
    lines.push({ start: i, end: e, breakEnd: b });
    i = b;
  }
  let indent: number;
  if (explicit !== undefined) {
    // Relative to the parent's indentation, which the header line's own indentation approximates.
    const lineStart = text.lastIndexOf('\n', from - 1) + 1;
    const parentIndent = /^ */.exec(text.slice(lineStart, from))![0].length;
    indent = parentIndent + Number(explicit);
    // The parent of a block scalar in a sequence or mapping is its key's indentation, not the `- ` column.
    const first = lines.find((l) => !/^ *$/.test(text.slice(l.start, l.end)));
    if (first) {
      const firstIndent = /^ */.exec(text.slice(first.start, first.end))![0].length;
      if (firstIndent < indent) indent = firstIndent;
    }
  } else {
    const first = lines.find((l) => !/^ *$/.test(text.slice(l.start, l.end)));
    indent = first ? /^ */.exec(text.slice(first.start, first.end))![0].length : 0;
  }
  const out = new Builder();
  // An empty line holds no more than the indentation in spaces; more spaces (or a tab) are content.
  const isEmpty = (l: { start: number; end: number }) => l.end - l.start <= indent && /^ *$/.test(text.slice(l.start, l.end));
  // Content lines, then trailing empty lines (chomping decides what remains of them).
  let lastContent = -1;
  for (let k = 0; k < lines.length; k++) if (!isEmpty(lines[k]!)) lastContent = k;
  let previousMoreIndented = false;
  let pendingBreak: { from: number; to: number } | null = null;
  let emptyBreaks: { from: number; to: number }[] = [];
  for (let k = 0; k <= lastContent; k++) {
    const line = lines[k]!;
    const content = line.start + Math.min(indent, line.end - line.start);
    const body = text.slice(content, line.end);
    if (isEmpty(line)) {
      emptyBreaks.push({ from: line.end, to: line.breakEnd });
      continue;
    }
    if (/^ *$/.test(text.slice(line.start, content)) === false) return null; // a tab in the indentation
    const moreIndented = body.startsWith(' ') || body.startsWith('\t');
    if (pendingBreak) {
      if (folded && !previousMoreIndented && !moreIndented) {
        // A line break between two lines folds into a space; empty lines between them stay breaks.
        if (emptyBreaks.length === 0) out.add(' ', pendingBreak.from, pendingBreak.to);
        else for (const b of emptyBreaks) out.add('\n', b.from, b.to);
      } else {
        out.add('\n', pendingBreak.from, pendingBreak.to);
        for (const b of emptyBreaks) out.add('\n', b.from, b.to);
      }
    } else {
      for (const b of emptyBreaks) out.add('\n', b.from, b.to);
    }
    emptyBreaks = [];
    for (let c = content; c < line.end; c++) out.add(text[c]!, c, c + 1);
    pendingBreak = { from: line.end, to: line.breakEnd };
    previousMoreIndented = moreIndented;
  }
  if (chomp !== 'strip' && pendingBreak && pendingBreak.to > pendingBreak.from) out.add('\n', pendingBreak.from, pendingBreak.to);
  if (chomp === 'keep') {
    for (let k = lastContent + 1; k < lines.length; k++) {
      const line = lines[k]!;
      if (line.breakEnd > line.end) out.add('\n', line.end, line.breakEnd);
    }
  }
  return { text: out.text, starts: out.starts, ends: out.ends, whole: { start: bodyStart, end: to } };
}
