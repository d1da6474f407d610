// pyproject.toml (PEP 621, PEP 735, build-system, Poetry, uv, PDM) into the shared model, with
// spans on the text as written. Never throws: a TOML error becomes a problem at its position.
import { parseTOML, type AST } from 'toml-eslint-parser';
import { LineIndex } from '../line-index';
import {
  blankRequirement,
  type DependencyGroup,
  type Include,
  type ParsedFile,
  type ParseProblem,
  type PipOption,
  type PythonRequirement,
  type Requirement,
  type RequirementIndex,
  type RequirementOrigin,
  type Span,
  type SpecifierClause,
} from '../model';
import { normalizeName, parsePep508, type Pep508Requirement } from './pep508';

// ---------------------------------------------------------------------------------------------
// Mapped text: a decoded string with, for each character, where it starts and ends in the file.

export interface MappedText {
  text: string;
  /** starts[i]: file offset where character i begins as written. */
  starts: number[];
  /** ends[i]: file offset where character i ends as written. */
  ends: number[];
  /** The written span of the whole value (without quotes). */
  whole: Span;
}

/** A text whose characters sit one-to-one at `offset`. */
export function identityText(text: string, offset: number): MappedText {
  const starts = new Array<number>(text.length);
  const ends = new Array<number>(text.length);
  for (let i = 0; i < text.length; i++) {
    starts[i] = offset + i;
    ends[i] = offset + i + 1;
  }
  return { text, starts, ends, whole: { start: offset, end: offset + text.length } };
}

/** Maps a span of the decoded text back onto the file. */
export function mapSpan(mapped: MappedText, span: Span): Span {
  const n = mapped.text.length;
  const s = Math.max(0, Math.min(span.start, n));
  const e = Math.max(s, Math.min(span.end, n));
  if (n === 0) return { ...mapped.whole };
  if (s === e) {
    const at = s < n ? mapped.starts[s]! : mapped.ends[n - 1]!;
    return { start: at, end: at };
  }
  return { start: mapped.starts[s]!, end: mapped.ends[e - 1]! };
}

/** Builds a Requirement from a PEP 508 parse of `mapped.text` (spans relative to the text). */
export function requirementFromPep508(
  file: string,
  lines: LineIndex,
  mapped: MappedText,
  parsed: Pep508Requirement,
  origin: RequirementOrigin,
  isConstraint = false,
): Requirement {
  const map = (span: Span | null): Span | null => (span ? mapSpan(mapped, span) : null);
  return {
    file,
    line: lines.positionAt(mapped.whole.start).line + 1,
    span: { ...mapped.whole },
    name: parsed.name,
    nameSpan: map(parsed.nameSpan),
    normalizedName: normalizeName(parsed.name),
    extras: parsed.extras,
    specifier: parsed.specifier,
    specifierSpan: map(parsed.specifierSpan),
    clauses: parsed.clauses.map((c) => ({ ...c, span: mapSpan(mapped, c.span), versionSpan: mapSpan(mapped, c.versionSpan) })),
    marker: parsed.marker,
    markerSpan: map(parsed.markerSpan),
    url: parsed.url,
    urlSpan: map(parsed.urlSpan),
    editable: false,
    hashes: [],
    isConstraint,
    origin,
  };
}

/** Parses `mapped.text` as PEP 508; a failure becomes a problem on the written text. */
export function parseMappedRequirement(
  file: string,
  lines: LineIndex,
  mapped: MappedText,
  origin: RequirementOrigin,
  problems: ParseProblem[],
  isConstraint = false,
): Requirement | null {
  let result: ReturnType<typeof parsePep508>;
  try {
    result = parsePep508(mapped.text, 0);
  } catch (error) {
    result = { ok: false, message: error instanceof Error ? error.message : String(error), span: { start: 0, end: mapped.text.length } };
  }
  if (!result.ok) {
    const span = mapSpan(mapped, result.span.end > result.span.start ? result.span : { start: 0, end: mapped.text.length });
    problems.push({ line: lines.positionAt(span.start).line + 1, span, message: result.message });
    return null;
  }
  return requirementFromPep508(file, lines, mapped, result.requirement, origin, isConstraint);
}

// ---------------------------------------------------------------------------------------------
// TOML strings as written.

const simpleEscapes: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };

/** Decodes a TOML string node's written text, keeping where each character came from. */
export function tomlString(source: string, node: AST.TOMLStringValue): MappedText {
  const quote = node.multiline ? 3 : 1;
  let start = node.range[0] + quote;
  const end = Math.max(start, node.range[1] - quote);
  if (node.multiline) {
    // A newline right after the opening delimiter is trimmed.
    if (source.startsWith('\r\n', start)) start += 2;
    else if (source[start] === '\n') start += 1;
  }
  const fallback = (): MappedText => {
    // Escapes we cannot map: every character maps to the whole value (conservative).
    const text = node.value;
    return { text, starts: new Array(text.length).fill(start), ends: new Array(text.length).fill(end), whole: { start, end } };
  };
  if (node.style === 'literal') {
    const mapped = identityText(source.slice(start, end), start);
    return mapped.text === node.value ? mapped : fallback();
  }
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let i = start;
  while (i < end) {
    const c = source[i]!;
    if (c !== '\\') {
      text += c;
      starts.push(i);
      ends.push(i + 1);
      i++;
      continue;
    }
    const next = source[i + 1] ?? '';
    if (next in simpleEscapes) {
      text += simpleEscapes[next]!;
      starts.push(i);
      ends.push(i + 2);
      i += 2;
    } else if (next === 'u' || next === 'U' || next === 'x') {
      const digits = next === 'u' ? 4 : next === 'U' ? 8 : 2;
      const hex = source.slice(i + 2, i + 2 + digits);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) return fallback();
      const decoded = String.fromCodePoint(parseInt(hex, 16));
      for (let k = 0; k < decoded.length; k++) {
        text += decoded[k]!;
        starts.push(i);
        ends.push(i + 2 + digits);
      }
      i += 2 + digits;
    } else if (node.multiline && /[ \t\r\n]/.test(next)) {
      // Line-ending backslash: the newline and the whitespace after it vanish.
      i++;
      while (i < end && /[ \t\r\n]/.test(source[i]!)) i++;
    } else {
      return fallback();
    }
  }
  const mapped: MappedText = { text, starts, ends, whole: { start, end } };
  return text === node.value ? mapped : fallback();
}

// ---------------------------------------------------------------------------------------------
// A navigable view of the TOML document that keeps the AST nodes.

export interface TNode {
  /** The key node that defined this entry (a `key = value` key or a `[table]` header). */
  key?: AST.TOMLKey;
  value?: AST.TOMLContentNode;
  children: Map<string, TNode>;
  /** The whole `key = value` (or table header) range. */
  range?: [number, number];
}

const newNode = (): TNode => ({ children: new Map() });

function keyName(key: AST.TOMLBare | AST.TOMLQuoted): string {
  return key.type === 'TOMLBare' ? key.name : key.value;
}

function descend(base: TNode, names: readonly (string | number)[]): TNode {
  let node = base;
  for (const name of names) {
    const k = String(name);
    let child = node.children.get(k);
    if (!child) {
      child = newNode();
      node.children.set(k, child);
    }
    node = child;
  }
  return node;
}

function addKeyValue(base: TNode, kv: AST.TOMLKeyValue): void {
  const node = descend(base, kv.key.keys.map(keyName));
  node.key = kv.key;
  node.value = kv.value;
  node.range = kv.range;
  if (kv.value.type === 'TOMLInlineTable') for (const inner of kv.value.body) addKeyValue(node, inner);
}

export function buildTree(program: AST.TOMLProgram): TNode {
  const root = newNode();
  for (const item of program.body[0]?.body ?? []) {
    if (item.type === 'TOMLKeyValue') addKeyValue(root, item);
    else {
      const node = descend(root, item.resolvedKey);
      node.key ??= item.key;
      node.range ??= item.key.range;
      for (const kv of item.body) addKeyValue(node, kv);
    }
  }
  return root;
}

export function child(node: TNode | undefined, ...path: string[]): TNode | undefined {
  let current = node;
  for (const name of path) current = current?.children.get(name);
  return current;
}

/** Elements of an array value, or the entries of an array of tables (`[[x]]`). */
export function items(node: TNode | undefined): TNode[] {
  if (!node) return [];
  if (node.value?.type === 'TOMLArray') {
    return node.value.elements.map((element) => {
      const item: TNode = { value: element, children: new Map(), range: element.range };
      if (element.type === 'TOMLInlineTable') for (const kv of element.body) addKeyValue(item, kv);
      return item;
    });
  }
  if (node.value) return [];
  return [...node.children.entries()].filter(([k]) => /^\d+$/.test(k)).sort((a, b) => Number(a[0]) - Number(b[0])).map(([, v]) => v);
}

export function stringNode(node: TNode | undefined): AST.TOMLStringValue | null {
  const value = node?.value;
  return value && value.type === 'TOMLValue' && value.kind === 'string' ? value : null;
}

function isTable(node: TNode | undefined): boolean {
  return !!node && (node.value === undefined || node.value.type === 'TOMLInlineTable');
}

export function boolValue(node: TNode | undefined): boolean | null {
  const value = node?.value;
  return value && value.type === 'TOMLValue' && value.kind === 'boolean' ? value.value : null;
}

/** The span of the last key's name (without quotes). */
export function keyNameSpan(key: AST.TOMLKey): Span {
  const last = key.keys[key.keys.length - 1]!;
  return last.type === 'TOMLQuoted' ? { start: last.range[0] + 1, end: last.range[1] - 1 } : { start: last.range[0], end: last.range[1] };
}

// ---------------------------------------------------------------------------------------------
// Poetry version constraints → PEP 440.

const poetryPart = /^(\^|~=|~|===|==|!=|<=|>=|<|>|=)?\s*(v?\d[0-9A-Za-z.*+!_-]*)$/;

function bump(release: number[], index: number, length: number): string {
  const out = release.slice(0, index + 1);
  out[index] = (out[index] ?? 0) + 1;
  while (out.length < length) out.push(0);
  return out.join('.');
}

interface TranslatedConstraint {
  specifier: string;
  clauses: SpecifierClause[];
}

/**
 * Translates a Poetry constraint (`^1.2`, `~1.2.3`, `1.2.3`, `*`, `>=1,<2`) into PEP 440 clauses
 * whose spans point at the written text. `null`: not expressible as one specifier set (`||`).
 */
export function translatePoetryConstraint(mapped: MappedText): TranslatedConstraint | { error: string; span: Span } | null {
  const text = mapped.text;
  if (text.includes('||') || text.includes('|')) return null;
  const clauses: SpecifierClause[] = [];
  const parts = [...text.matchAll(/(?:[<>=!~^]+\s*)?[^,\s]+/g)];
  for (const match of parts) {
    const raw = match[0].trim();
    if (raw === '' || raw === '*') continue;
    const start = match.index;
    const span = mapSpan(mapped, { start, end: start + match[0].length });
    const m = poetryPart.exec(raw.replace(/\s+/g, ''));
    if (!m) return { error: `Invalid Poetry version constraint '${raw}'`, span };
    const op = m[1] ?? '';
    const version = m[2]!.replace(/^v/, '');
    const versionAt = start + match[0].lastIndexOf(m[2]!) + (m[2]!.startsWith('v') ? 1 : 0);
    const versionSpan = mapSpan(mapped, { start: versionAt, end: versionAt + version.length });
    const release = (/^\d+(?:\.\d+)*/.exec(version)?.[0] ?? '0').split('.').map(Number);
    const add = (operator: SpecifierClause['operator'], v: string) => clauses.push({ operator, version: v, span, versionSpan });
    if (op === '^') {
      add('>=', version);
      const firstNonZero = release.findIndex((n) => n !== 0);
      add('<', bump(release, firstNonZero === -1 ? release.length - 1 : firstNonZero, release.length));
    } else if (op === '~') {
      add('>=', version);
      add('<', bump(release, release.length >= 2 ? 1 : 0, release.length));
    } else if (op === '' || op === '=') {
      add('==', version);
    } else {
      add(op as SpecifierClause['operator'], version);
    }
  }
  return { specifier: clauses.map((c) => c.operator + c.version).join(','), clauses };
}

// ---------------------------------------------------------------------------------------------
// The parser.

const pep508Name = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

export function parsePyproject(path: string, text: string): ParsedFile {
  const file: ParsedFile = { path, kind: 'pyproject', requirements: [], options: [], includes: [], problems: [], groups: [], conflicts: [] };
  try {
    parseInto(file, text);
  } catch (error) {
    // Defensive: the parser must never throw, whatever the input.
    file.problems.push({ line: 1, span: { start: 0, end: 0 }, message: `Could not read pyproject.toml: ${error instanceof Error ? error.message : String(error)}` });
  }
  return file;
}

export function parseToml(text: string, file: ParsedFile, lines: LineIndex): AST.TOMLProgram | null {
  try {
    return parseTOML(text);
  } catch (error) {
    // The TOML parser recurses per nesting level: thousands of `{a = {a = …` overflow its stack.
    // That is a budget, not invalid TOML: the file may be valid, it is just not read.
    if (error instanceof RangeError) {
      file.problems.push({ line: 1, span: { start: 0, end: 0 }, level: 'note', message: 'Not checked: this file nests too deeply to read (the TOML parser ran out of stack); its dependencies were not read.' });
      return null;
    }
    const e = error as { message?: string; index?: number };
    const at = typeof e.index === 'number' ? Math.max(0, Math.min(e.index, text.length)) : 0;
    const line = lines.positionAt(at).line;
    // Point at the rest of the offending line so the squiggle is visible.
    const span = { start: at, end: Math.max(at, lines.lineEnd(line)) };
    file.problems.push({ line: line + 1, span, message: `Invalid TOML: ${e.message ?? String(error)}` });
    return null;
  }
}

function parseInto(file: ParsedFile, text: string): void {
  const lines = new LineIndex(text);
  const program = parseToml(text, file, lines);
  if (!program) return;
  const root = buildTree(program);
  const { path, problems } = file;
  const groups = file.groups!;
  const declared = new Map<string, DependencyGroup>();
  const declareGroup = (kind: DependencyGroup['kind'], name: string, node: TNode): DependencyGroup => {
    const key = `${kind}\0${name}`;
    const known = declared.get(key);
    if (known) return known;
    const group: DependencyGroup = { kind, name, span: node.key ? keyNameSpan(node.key) : { start: 0, end: 0 }, includeGroups: [] };
    declared.set(key, group);
    groups.push(group);
    return group;
  };
  const problemAt = (span: Span, message: string) => problems.push({ line: lines.positionAt(span.start).line + 1, span, message });

  const requirementList = (node: TNode | undefined, origin: RequirementOrigin, isConstraint = false, onTable?: (item: TNode) => void) => {
    if (!node) return;
    if (node.value && node.value.type !== 'TOMLArray') {
      problemAt({ start: node.value.range[0], end: node.value.range[1] }, `Expected an array of requirement strings for ${origin.section}`);
      return;
    }
    for (const item of items(node)) {
      const str = stringNode(item);
      if (str) {
        const requirement = parseMappedRequirement(path, lines, tomlString(text, str), origin, problems, isConstraint);
        if (requirement) file.requirements.push(requirement);
      } else if (item.value?.type === 'TOMLInlineTable' && onTable) {
        onTable(item);
      } else if (item.value) {
        problemAt({ start: item.value.range[0], end: item.value.range[1] }, `Expected a requirement string in ${origin.section}`);
      }
    }
  };

  // --- PEP 621
  const project = child(root, 'project');
  requirementList(child(project, 'dependencies'), { section: 'project.dependencies' });
  const optional = child(project, 'optional-dependencies');
  for (const [extra, node] of optional?.children ?? []) {
    declareGroup('extra', extra, node);
    requirementList(node, { section: 'project.optional-dependencies', group: extra });
  }
  const requiresPython = stringNode(child(project, 'requires-python'));
  if (requiresPython) {
    const mapped = tomlString(text, requiresPython);
    file.pythonRequirement = { specifier: mapped.text.replace(/\s+/g, ''), span: { ...mapped.whole } };
  }

  // --- PEP 735 dependency groups
  for (const [name, node] of child(root, 'dependency-groups')?.children ?? []) {
    const group = declareGroup('group', name, node);
    requirementList(node, { section: 'dependency-groups', group: name }, false, (item) => {
      const included = stringNode(child(item, 'include-group'));
      if (included) group.includeGroups.push(included.value);
      else problemAt({ start: item.range![0], end: item.range![1] }, 'Expected a requirement string or {include-group = "…"}');
    });
  }

  // --- build system
  requirementList(child(root, 'build-system', 'requires'), { section: 'build-system.requires' });

  // --- dynamic dependencies read from requirements files (setuptools, hatch-requirements-txt)
  const dynamic = items(child(project, 'dynamic')).map((i) => stringNode(i)?.value);
  const addFileIncludes = (node: TNode | undefined, origin: RequirementOrigin) => {
    const list = stringNode(node) ? [node!] : items(node);
    for (const item of list) {
      const str = stringNode(item);
      if (!str) continue;
      const mapped = tomlString(text, str);
      const include: Include = {
        file: path,
        line: lines.positionAt(mapped.whole.start).line + 1,
        span: { start: str.range[0], end: str.range[1] },
        kind: 'requirement',
        target: mapped.text,
        targetSpan: { ...mapped.whole },
        origin,
      };
      file.includes.push(include);
    }
  };
  const setuptoolsDynamic = child(root, 'tool', 'setuptools', 'dynamic');
  const hatchHook = child(root, 'tool', 'hatch', 'metadata', 'hooks', 'requirements_txt');
  if (dynamic.includes('dependencies')) {
    addFileIncludes(child(setuptoolsDynamic, 'dependencies', 'file'), { section: 'project.dependencies' });
    addFileIncludes(child(hatchHook, 'files'), { section: 'project.dependencies' });
  }
  if (dynamic.includes('optional-dependencies')) {
    for (const [extra, node] of child(setuptoolsDynamic, 'optional-dependencies')?.children ?? []) {
      declareGroup('extra', extra, node);
      addFileIncludes(child(node, 'file'), { section: 'project.optional-dependencies', group: extra });
    }
    for (const [extra, node] of child(hatchHook, 'optional-dependencies')?.children ?? []) {
      declareGroup('extra', extra, node);
      addFileIncludes(node, { section: 'project.optional-dependencies', group: extra });
    }
  }

  // --- uv
  const uv = child(root, 'tool', 'uv');
  requirementList(child(uv, 'constraint-dependencies'), { section: 'tool.uv.constraint-dependencies' }, true);
  requirementList(child(uv, 'override-dependencies'), { section: 'tool.uv.override-dependencies' }, true);
  const uvDev = child(uv, 'dev-dependencies');
  if (uvDev) {
    declareGroup('group', 'dev', uvDev);
    requirementList(uvDev, { section: 'tool.uv.dev-dependencies', group: 'dev' });
  }
  const uvIndexes = new Map<string, { url: string; urlSpan: Span }>();
  for (const index of items(child(uv, 'index'))) {
    const name = stringNode(child(index, 'name'))?.value;
    const url = stringNode(child(index, 'url'));
    if (!url) continue;
    if (name) uvIndexes.set(name, { url: url.value, urlSpan: { ...tomlString(text, url).whole } });
    if (boolValue(child(index, 'explicit')) === true) continue;
    file.options.push(indexOption(path, lines, text, child(index, 'url')!, url, boolValue(child(index, 'default')) === true));
  }
  for (const set of items(child(uv, 'conflicts'))) {
    const members: { kind: 'extra' | 'group'; name: string }[] = [];
    for (const member of items(set)) {
      const extra = stringNode(child(member, 'extra'))?.value;
      const group = stringNode(child(member, 'group'))?.value;
      if (extra !== undefined) members.push({ kind: 'extra', name: extra });
      else if (group !== undefined) members.push({ kind: 'group', name: group });
    }
    if (members.length > 0) file.conflicts!.push(members);
  }

  // --- PDM
  const pdm = child(root, 'tool', 'pdm');
  for (const [name, node] of child(pdm, 'dev-dependencies')?.children ?? []) {
    declareGroup('group', name, node);
    requirementList(node, { section: 'tool.pdm.dev-dependencies', group: name });
  }
  for (const source of items(child(pdm, 'source'))) {
    const url = stringNode(child(source, 'url'));
    if (!url) continue;
    const name = stringNode(child(source, 'name'))?.value;
    file.options.push(indexOption(path, lines, text, child(source, 'url')!, url, name === 'pypi'));
  }

  // --- Poetry
  const poetry = child(root, 'tool', 'poetry');
  const poetrySources = new Map<string, { url: string; urlSpan: Span }>();
  for (const source of items(child(poetry, 'source'))) {
    const url = stringNode(child(source, 'url'));
    const name = stringNode(child(source, 'name'))?.value;
    if (!url) continue;
    if (name) poetrySources.set(name, { url: url.value, urlSpan: { ...tomlString(text, url).whole } });
    const priority = stringNode(child(source, 'priority'))?.value ?? (boolValue(child(source, 'default')) ? 'default' : 'primary');
    if (priority === 'explicit') continue;
    file.options.push(indexOption(path, lines, text, child(source, 'url')!, url, priority === 'default'));
  }
  const extrasOf = new Map<string, string[]>();
  for (const [extra, node] of child(poetry, 'extras')?.children ?? []) {
    declareGroup('extra', extra, node);
    for (const item of items(node)) {
      const name = stringNode(item)?.value;
      if (!name) continue;
      const key = normalizeName(name.split(/[\s\[<>=!~;]/)[0] ?? name);
      if (!extrasOf.has(key)) extrasOf.set(key, []);
      extrasOf.get(key)!.push(extra);
    }
  }
  const poetryTable = (deps: TNode | undefined, group: string | undefined) => {
    for (const [name, node] of deps?.children ?? []) {
      if (!node.key) continue;
      if (name.toLowerCase() === 'python') {
        if (group !== undefined) continue;
        const str = stringNode(node);
        if (str) {
          const mapped = tomlString(text, str);
          const translated = translatePoetryConstraint(mapped);
          if (translated && !('error' in translated)) file.pythonRequirement ??= { specifier: translated.specifier, span: { ...mapped.whole } };
        }
        continue;
      }
      const variants = node.value?.type === 'TOMLArray' ? items(node) : [node];
      for (const variant of variants) {
        const made = poetryRequirement(name, node, variant, group);
        if (!made) continue;
        const { requirement, optional } = made;
        if (group === undefined && optional) {
          const extras = extrasOf.get(requirement.normalizedName ?? '') ?? [];
          if (extras.length === 0) file.requirements.push({ ...requirement, origin: { section: 'tool.poetry.dependencies (optional)' } });
          for (const extra of extras) file.requirements.push({ ...requirement, origin: { section: 'tool.poetry.extras', group: extra } });
        } else {
          file.requirements.push(requirement);
        }
      }
    }
  };

  const poetryRequirement = (
    name: string,
    entry: TNode,
    variant: TNode,
    group: string | undefined,
  ): { requirement: Requirement; optional: boolean } | null => {
    const nameSpan = keyNameSpan(entry.key!);
    if (!pep508Name.test(name)) {
      problemAt(nameSpan, `Invalid package name '${name}'`);
      return null;
    }
    const range = variant === entry ? (entry.range ?? entry.key!.range) : variant.range!;
    const requirement: Requirement = {
      ...blankRequirement({
        file: path,
        line: lines.positionAt(entry.key!.range[0]).line + 1,
        span: { start: variant === entry ? entry.key!.range[0] : range[0], end: range[1] },
        origin: group === undefined ? { section: 'tool.poetry.dependencies' } : { section: 'tool.poetry.group', group },
      }),
      name,
      nameSpan,
      normalizedName: normalizeName(name),
    };
    const versionNode = stringNode(variant) ? variant : child(variant, 'version');
    const version = stringNode(versionNode);
    if (version) {
      const mapped = tomlString(text, version);
      const translated = translatePoetryConstraint(mapped);
      if (translated && 'error' in translated) {
        problemAt(translated.span, translated.error);
        return null;
      }
      if (translated) {
        requirement.specifier = translated.specifier;
        requirement.clauses = translated.clauses;
      }
      requirement.specifierSpan = { ...mapped.whole };
    } else if (!isTable(variant)) {
      if (variant.value) problemAt({ start: variant.value.range[0], end: variant.value.range[1] }, `Expected a version string or a table for '${name}'`);
      return null;
    }
    const markers = stringNode(child(variant, 'markers'));
    if (markers) {
      const mapped = tomlString(text, markers);
      requirement.marker = mapped.text.trim();
      requirement.markerSpan = { ...mapped.whole };
    }
    requirement.extras = items(child(variant, 'extras')).flatMap((i) => (stringNode(i) ? [stringNode(i)!.value] : []));
    for (const kind of ['git', 'url', 'path']) {
      const url = stringNode(child(variant, kind));
      if (url) {
        const mapped = tomlString(text, url);
        requirement.url = mapped.text;
        requirement.urlSpan = { ...mapped.whole };
      }
    }
    const source = stringNode(child(variant, 'source'));
    if (source) {
      const mapped = tomlString(text, source);
      const declared = poetrySources.get(source.value);
      requirement.indexes = [{ name: source.value, url: declared?.url ?? null, ...(declared ? { urlSpan: declared.urlSpan } : {}), marker: null, span: { ...mapped.whole } }];
    }
    return { requirement, optional: boolValue(child(variant, 'optional')) === true };
  };

  poetryTable(child(poetry, 'dependencies'), undefined);
  const poetryDev = child(poetry, 'dev-dependencies');
  if (poetryDev) {
    declareGroup('group', 'dev', poetryDev);
    poetryTable(poetryDev, 'dev');
  }
  for (const [group, node] of child(poetry, 'group')?.children ?? []) {
    const deps = child(node, 'dependencies');
    if (!deps) continue;
    declareGroup('group', group, node.key ? node : deps);
    poetryTable(deps, group);
  }

  // --- uv sources: the index each package must come from.
  for (const [name, node] of child(uv, 'sources')?.children ?? []) {
    const entries = node.value?.type === 'TOMLArray' ? items(node) : [node];
    const indexes: RequirementIndex[] = [];
    for (const entry of entries) {
      const index = stringNode(child(entry, 'index'));
      if (!index) continue;
      const mapped = tomlString(text, index);
      const declared = uvIndexes.get(index.value);
      const extra = stringNode(child(entry, 'extra'))?.value;
      const group = stringNode(child(entry, 'group'))?.value;
      indexes.push({
        name: index.value,
        url: declared?.url ?? null,
        ...(declared ? { urlSpan: declared.urlSpan } : {}),
        marker: stringNode(child(entry, 'marker'))?.value ?? null,
        ...(extra !== undefined ? { extra } : {}),
        ...(group !== undefined ? { group } : {}),
        span: { ...mapped.whole },
      });
    }
    if (indexes.length === 0) continue;
    const key = normalizeName(name);
    for (const requirement of file.requirements) {
      if (requirement.normalizedName === key) requirement.indexes = [...(requirement.indexes ?? []), ...indexes];
    }
  }
  // --- Trove classifiers, only when neither requires-python nor Poetry's python says anything:
  // the lowest `Programming Language :: Python :: 3.N` listed stands for the project's lowest Python.
  if (!file.pythonRequirement) {
    let lowest: { minor: number; mapped: MappedText } | null = null;
    for (const item of items(child(project, 'classifiers'))) {
      const str = stringNode(item);
      if (!str) continue;
      const mapped = tomlString(text, str);
      const match = /^\s*Programming Language :: Python :: 3\.(\d{1,3})\s*$/.exec(mapped.text);
      if (match && (!lowest || Number(match[1]) < lowest.minor)) lowest = { minor: Number(match[1]), mapped };
    }
    if (lowest) file.pythonRequirement = { specifier: `>=3.${lowest.minor}`, span: { ...lowest.mapped.whole } };
  }
}

export function indexOption(path: string, lines: LineIndex, text: string, node: TNode, url: AST.TOMLStringValue, isDefault: boolean): PipOption {
  const mapped = tomlString(text, url);
  const range = node.range ?? url.range;
  return {
    file: path,
    line: lines.positionAt(range[0]).line + 1,
    span: { start: range[0], end: range[1] },
    option: isDefault ? '--index-url' : '--extra-index-url',
    value: mapped.text,
    valueSpan: { ...mapped.whole },
  };
}

/** The lowest `X.Y` a specifier set allows (`>=3.10,<4` → `3.10`), or null without a lower bound. */
export function lowestPython(requirement: PythonRequirement | undefined): string | null {
  if (!requirement) return null;
  let best: [number, number] | null = null;
  for (const clause of requirement.specifier.split(',')) {
    const m = /^(>=|>|==|~=|===)\s*(\d+)\.(\d+)/.exec(clause.trim());
    if (!m) continue;
    const candidate: [number, number] = [Number(m[2]), Number(m[3])];
    if (!best || candidate[0] > best[0] || (candidate[0] === best[0] && candidate[1] > best[1])) best = candidate;
  }
  return best ? `${best[0]}.${best[1]}` : null;
}
