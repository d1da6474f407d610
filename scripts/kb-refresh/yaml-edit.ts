// Edits to a rules/*.yaml file that leave every other byte alone: new list items and new flow-list
// entries are spliced in at the source positions the `yaml` Document API reports, so comments,
// hand-written notes, sources and formatting stay exactly as the maintainers wrote them.
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';

export interface Insertion {
  offset: number;
  text: string;
}

export class YamlFile {
  readonly doc: Document;
  private readonly insertions: Insertion[] = [];

  constructor(readonly text: string) {
    this.doc = parseDocument(text);
    if (this.doc.errors.length > 0) throw new Error(this.doc.errors[0]!.message);
  }

  seq(path: (string | number)[]): YAMLSeq | null {
    const node = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    return isSeq(node) ? node : null;
  }

  /** Appends `value` to a flow list (`variants: [cpu, cu121]` → `[cpu, cu121, cu124]`). */
  appendToFlowList(seq: YAMLSeq, value: string): void {
    if (!seq.flow || !seq.range) throw new Error('not a flow list');
    const close = this.text.lastIndexOf(']', seq.range[1] - 1);
    const text = seq.items.length === 0 ? scalar(value) : `, ${scalar(value)}`;
    this.insertions.push({ offset: close, text });
  }

  /** Inserts a new item (its text rendered by `render` at the list's indentation) after `after`, or at the list's end. */
  insertItem(seq: YAMLSeq, render: (indent: string) => string, after?: Node): void {
    const items = seq.items as Node[];
    const anchor = after ?? items[items.length - 1];
    if (!anchor?.range) throw new Error('cannot place an item in an empty list');
    const indent = ' '.repeat(Math.max(0, column(this.text, anchor.range[0]) - 2));
    const offset = lineEndAfter(this.text, anchor.range[1] - 1);
    const lead = offset === this.text.length && !this.text.endsWith('\n') ? '\n' : '';
    this.insertions.push({ offset, text: lead + render(indent) });
  }

  /** Inserts a new item before `before` (its first line). */
  insertItemBefore(before: Node, render: (indent: string) => string): void {
    if (!before.range) throw new Error('no position');
    const start = lineStart(this.text, before.range[0]);
    const indent = ' '.repeat(Math.max(0, column(this.text, before.range[0]) - 2));
    this.insertions.push({ offset: start, text: render(indent) });
  }

  get changed(): boolean {
    return this.insertions.length > 0;
  }

  toString(): string {
    let out = this.text;
    // Later offsets first; insertions at one offset keep the order they were made in.
    const ordered = this.insertions.map((ins, i) => ({ ...ins, i })).sort((a, b) => b.offset - a.offset || b.i - a.i);
    for (const ins of ordered) out = out.slice(0, ins.offset) + ins.text + out.slice(ins.offset);
    return out;
  }
}

/** A scalar as rules/ writes it: version-like and other ambiguous strings double-quoted, words and URLs plain. */
export function scalar(value: string | boolean | number): string {
  if (typeof value !== 'string') return String(value);
  return /^[A-Za-z][A-Za-z0-9._+-]*$/.test(value) || /^https:\/\/[^\s,#\]}]+$/.test(value) ? value : JSON.stringify(value);
}

export type FlowValue = string | boolean | string[] | { [key: string]: string };

function flow(value: FlowValue): string {
  if (Array.isArray(value)) return `[${value.map(scalar).join(', ')}]`;
  if (typeof value === 'object') return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${scalar(v)}`).join(', ')} }`;
  return scalar(value);
}

/** A block-map list item: `- key: value` lines, lists and maps in flow style. */
export function blockItem(indent: string, fields: [string, FlowValue | undefined][]): string {
  const lines = fields.filter(([, v]) => v !== undefined).map(([k, v], i) => `${indent}${i === 0 ? '- ' : '  '}${k}: ${flow(v!)}`);
  return `${lines.join('\n')}\n`;
}

/** A flow-map list item on one line: `- { key: value, ... }`. */
export function flowItem(indent: string, fields: [string, FlowValue | undefined][]): string {
  const body = fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${flow(v!)}`).join(', ');
  return `${indent}- { ${body} }\n`;
}

export function stringAt(node: unknown, key: string): string | undefined {
  if (!isMap(node)) return undefined;
  const value = (node as YAMLMap).get(key, true);
  return isScalar(value) && typeof value.value === 'string' ? value.value : undefined;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

function lineEndAfter(text: string, offset: number): number {
  const nl = text.indexOf('\n', Math.max(0, offset));
  return nl === -1 ? text.length : nl + 1;
}
