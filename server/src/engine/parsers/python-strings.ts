// Python string literals (tree-sitter-python `string` / `concatenated_string` nodes) decoded with
// where each character is written, for the parsers that read values out of .py files (setup.py,
// launchers). Only what is known without running the code: bytes are not text, and an f-string's
// `{…}` is left to the caller (null without a way to stand for it).
import type { Node } from '@vscode/tree-sitter-wasm';
import type { Span } from '../model';
import type { MappedText } from './pyproject';

const simpleEscapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };

/**
 * The value of a string literal, each character mapped to the file. `interpolation` gives the
 * text standing for an f-string's `{…}` (same length as written, so it maps one to one); without
 * it an f-string with one is not a literal (null), and so is a bytes literal or an escape not
 * decoded here (`\x`, `\u`, `\N{…}`).
 */
export function pythonString(node: Node, text: string, interpolation?: (span: Span) => string): MappedText | null {
  if (node.type === 'concatenated_string') {
    const parts: MappedText[] = [];
    for (const part of node.namedChildren) {
      if (!part || part.type === 'comment') continue;
      const mapped = part.type === 'string' ? pythonString(part, text, interpolation) : null;
      if (!mapped) return null;
      parts.push(mapped);
    }
    if (parts.length === 0) return null;
    return {
      text: parts.map((p) => p.text).join(''),
      starts: parts.flatMap((p) => p.starts),
      ends: parts.flatMap((p) => p.ends),
      whole: { start: parts[0]!.whole.start, end: parts[parts.length - 1]!.whole.end },
    };
  }
  if (node.type !== 'string') return null;
  // The children once: child(i) walks them from the first, so child(i) in a loop is quadratic.
  const children = node.children;
  const first = children[0];
  const last = children[children.length - 1];
  if (first?.type !== 'string_start' || last?.type !== 'string_end') return null;
  const prefix = first.text.replace(/['"]+$/, '').toLowerCase();
  if (prefix.includes('b')) return null;
  const raw = prefix.includes('r');
  const out: MappedText = { text: '', starts: [], ends: [], whole: { start: first.endIndex, end: last.startIndex } };
  const add = (value: string, start: number, end: number) => {
    for (const c of value) {
      out.text += c;
      out.starts.push(start);
      out.ends.push(end);
    }
  };
  for (let i = 1; i < children.length - 1; i++) {
    const part = children[i]!;
    if (part.type === 'interpolation') {
      if (!interpolation) return null;
      const standIn = interpolation({ start: part.startIndex, end: part.endIndex });
      for (let k = 0; k < standIn.length; k++) add(standIn[k]!, part.startIndex + k, part.startIndex + k + 1);
      continue;
    }
    if (part.type !== 'string_content') return null;
    let at = part.startIndex;
    const escapes = part.namedChildren.filter((c): c is Node => c?.type === 'escape_sequence' || c?.type === 'interpolation');
    for (const escape of [...escapes, null]) {
      const until = escape ? escape.startIndex : part.endIndex;
      for (; at < until; at++) add(text[at]!, at, at + 1);
      if (!escape) break;
      if (escape.type === 'interpolation') return null;
      const written = text.slice(escape.startIndex, escape.endIndex);
      if (raw) for (let k = 0; k < written.length; k++) add(written[k]!, escape.startIndex + k, escape.startIndex + k + 1);
      else if (/^\\\r?\n$/.test(written)) {
        // A line continuation inside the string: nothing.
      } else if (written.length === 2 && written[1]! in simpleEscapes) add(simpleEscapes[written[1]!]!, escape.startIndex, escape.endIndex);
      else return null;
      at = escape.endIndex;
    }
  }
  return out;
}
