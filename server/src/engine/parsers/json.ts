// JSON (RFC 8259) with every value's place in the text, for the kinds written in JSON
// (Pipfile.lock, notebooks). Spans are UTF-16 offsets into the text as given; a string value can
// map each decoded character back to where it is written (`jsonStringText`), escapes included.
// Iterative, so nesting depth costs heap, not stack; never throws: bad input is an error result
// at its offset.
import type { Span } from '../model';
import type { MappedText } from './pyproject';

export interface JsonString {
  type: 'string';
  value: string;
  /** The whole literal, quotes included. */
  span: Span;
}

export interface JsonNumber {
  type: 'number';
  value: number;
  /** As written (`1e3`, `-0.5`). */
  raw: string;
  span: Span;
}

export interface JsonLiteral {
  type: 'boolean' | 'null';
  value: boolean | null;
  span: Span;
}

export interface JsonMember {
  key: JsonString;
  value: JsonValue;
}

export interface JsonObject {
  type: 'object';
  members: JsonMember[];
  span: Span;
}

export interface JsonArray {
  type: 'array';
  elements: JsonValue[];
  span: Span;
}

export type JsonValue = JsonObject | JsonArray | JsonString | JsonNumber | JsonLiteral;

export interface JsonError {
  message: string;
  /** Where the text stops being JSON. */
  offset: number;
}

export type JsonParse = { ok: true; value: JsonValue } | { ok: false; error: JsonError };

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const escapes: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** A container being filled: the object's pending key, or the array. */
type Frame = { node: JsonObject; key: JsonString | null } | { node: JsonArray };

/** Parses `text` as one JSON value (leading and trailing whitespace allowed, a BOM too). */
export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: new Reader(text).document() };
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { ok: false, error: { message: error.message, offset: Math.min(error.offset, text.length) } };
    return { ok: false, error: { message: error instanceof Error ? error.message : String(error), offset: 0 } };
  }
}

class Reader {
  private at = 0;

  constructor(private readonly text: string) {
    if (text.charCodeAt(0) === 0xfeff) this.at = 1;
  }

  document(): JsonValue {
    const stack: Frame[] = [];
    let result: JsonValue | null = null;
    // Each turn reads one value (or closes a container) and hands it to the frame on top.
    for (;;) {
      this.skipSpace();
      const top = stack[stack.length - 1];
      let value: JsonValue | null = null;
      if (top && top.node.type === 'object' && (top as { key: JsonString | null }).key === null) {
        // Inside an object, expecting a key or the end.
        const frame = top as { node: JsonObject; key: JsonString | null };
        if (this.peek() === 0x7d /* } */) {
          if (frame.node.members.length > 0) throw this.error('Expected a property name after the comma');
          value = this.close(stack, 0x7d);
        } else {
          if (this.peek() !== 0x22) throw this.error(this.at >= this.text.length ? 'Unexpected end of JSON: expected a property name' : 'Expected a property name in double quotes');
          frame.key = this.string();
          this.skipSpace();
          if (this.peek() !== 0x3a /* : */) throw this.error("Expected ':' after the property name");
          this.at++;
          continue;
        }
      } else if (top && top.node.type === 'array' && this.peek() === 0x5d /* ] */) {
        if (top.node.elements.length > 0) throw this.error('Expected a value after the comma');
        value = this.close(stack, 0x5d);
      } else {
        const c = this.peek();
        if (c === 0x7b /* { */) {
          stack.push({ node: { type: 'object', members: [], span: { start: this.at, end: this.at } }, key: null });
          this.at++;
          continue;
        }
        if (c === 0x5b /* [ */) {
          stack.push({ node: { type: 'array', elements: [], span: { start: this.at, end: this.at } } });
          this.at++;
          continue;
        }
        value = this.scalar();
      }
      // A value is complete: add it to its container, then read what follows (`,` or the end).
      for (;;) {
        const frame = stack[stack.length - 1];
        if (!frame) {
          result = value;
          break;
        }
        if (frame.node.type === 'object') {
          const f = frame as { node: JsonObject; key: JsonString | null };
          f.node.members.push({ key: f.key!, value: value! });
          f.key = null;
        } else frame.node.elements.push(value!);
        this.skipSpace();
        const c = this.peek();
        if (c === 0x2c /* , */) {
          this.at++;
          break;
        }
        const closer = frame.node.type === 'object' ? 0x7d : 0x5d;
        if (c !== closer) {
          if (this.at >= this.text.length) throw this.error(`Unexpected end of JSON: expected ',' or '${String.fromCharCode(closer)}'`);
          throw this.error(`Expected ',' or '${String.fromCharCode(closer)}'`);
        }
        value = this.close(stack, closer);
      }
      if (result) break;
    }
    this.skipSpace();
    if (this.at < this.text.length) throw this.error('Unexpected text after the JSON value');
    return result;
  }

  private close(stack: Frame[], closer: number): JsonValue {
    const frame = stack.pop()!;
    if (this.peek() !== closer) throw this.error(`Expected '${String.fromCharCode(closer)}'`);
    this.at++;
    frame.node.span.end = this.at;
    return frame.node;
  }

  private scalar(): JsonValue {
    const c = this.peek();
    if (c === 0x22) return this.string();
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    for (const [word, type, value] of [
      ['true', 'boolean', true],
      ['false', 'boolean', false],
      ['null', 'null', null],
    ] as const) {
      if (this.text.startsWith(word, this.at)) {
        const start = this.at;
        this.at += word.length;
        return { type, value, span: { start, end: this.at } };
      }
    }
    if (this.at >= this.text.length) throw this.error('Unexpected end of JSON: expected a value');
    throw this.error('Expected a JSON value');
  }

  private number(): JsonNumber {
    const start = this.at;
    const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    match.lastIndex = start;
    const m = match.exec(this.text);
    if (!m) throw this.error('Invalid number');
    this.at = start + m[0].length;
    return { type: 'number', value: Number(m[0]), raw: m[0], span: { start, end: this.at } };
  }

  private string(): JsonString {
    const start = this.at;
    this.at++;
    let value = '';
    let chunk = this.at;
    for (;;) {
      if (this.at >= this.text.length) throw new JsonSyntaxError('Unterminated string', start);
      const c = this.text.charCodeAt(this.at);
      if (c === 0x22) {
        value += this.text.slice(chunk, this.at);
        this.at++;
        return { type: 'string', value, span: { start, end: this.at } };
      }
      if (c < 0x20) throw this.error('Control character in a string (it must be escaped)');
      if (c !== 0x5c) {
        this.at++;
        continue;
      }
      value += this.text.slice(chunk, this.at);
      const next = this.text[this.at + 1] ?? '';
      if (next in escapes) {
        value += escapes[next]!;
        this.at += 2;
      } else if (next === 'u') {
        const hex = this.text.slice(this.at + 2, this.at + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.error('Invalid \\u escape');
        value += String.fromCharCode(parseInt(hex, 16));
        this.at += 6;
      } else throw this.error('Invalid escape in a string');
      chunk = this.at;
    }
  }

  private peek(): number {
    return this.at < this.text.length ? this.text.charCodeAt(this.at) : -1;
  }

  private skipSpace(): void {
    while (this.at < this.text.length && isSpace(this.text.charCodeAt(this.at))) this.at++;
  }

  private error(message: string): JsonSyntaxError {
    return new JsonSyntaxError(message, this.at);
  }
}

/** The member `key` of an object (the last one when repeated, as JSON.parse does), or undefined. */
export function jsonMember(value: JsonValue | undefined, key: string): JsonValue | undefined {
  if (value?.type !== 'object') return undefined;
  for (let i = value.members.length - 1; i >= 0; i--) if (value.members[i]!.key.value === key) return value.members[i]!.value;
  return undefined;
}

/** A string member's value node, or undefined when absent or not a string. */
export function jsonStringMember(value: JsonValue | undefined, key: string): JsonString | undefined {
  const member = jsonMember(value, key);
  return member?.type === 'string' ? member : undefined;
}

/**
 * A string value's decoded characters, each mapped to where it is written in `text` (an escape
 * maps to the whole escape; `whole` is the span inside the quotes).
 */
export function jsonStringText(text: string, node: JsonString): MappedText {
  const start = node.span.start + 1;
  const end = Math.max(start, node.span.end - 1);
  const out: MappedText = { text: '', starts: [], ends: [], whole: { start, end } };
  let decoded = '';
  for (let i = start; i < end; ) {
    if (text.charCodeAt(i) !== 0x5c) {
      decoded += text[i]!;
      out.starts.push(i);
      out.ends.push(i + 1);
      i++;
      continue;
    }
    const length = text[i + 1] === 'u' ? 6 : 2;
    out.starts.push(i);
    out.ends.push(i + length);
    decoded += length === 6 ? String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)) : (escapes[text[i + 1]!] ?? '');
    i += length;
  }
  out.text = decoded;
  return out;
}
