// The TOML lock files: uv.lock, poetry.lock, pdm.lock and PEP 751 pylock.toml. Each locked
// package becomes `name==version` (see lock-common.ts) with its markers, its group when the format
// records one, and the index it came from; the lock's Python becomes its environments' Python.
//
// Formats, as read:
// - uv.lock (uv-resolver `lock/mod.rs`, `PackageWire`, lock `version = 1`): top-level
//   `requires-python`, `resolution-markers`, `conflicts`; `[[package]]` `name`, `version`,
//   `source = { registry | git | url | path | directory | editable | virtual }`,
//   `resolution-markers` (the forks that use this version). Workspace members (`editable`,
//   `virtual`) are the project itself and are not read as locked packages.
// - poetry.lock (poetry `packages/locker.py`): `[[package]]` `name`, `version`, `optional`,
//   `groups` and `markers` (a string, or a table by group) since lock-version 2.1, `category`
//   before; `[package.source]` `url`; `[extras]`; `[metadata]` `python-versions` (a Poetry
//   constraint).
// - pdm.lock (pdm `format_lockfile`): `[metadata]` `groups`, `requires_python` (lock_version < 4.5)
//   or `[[metadata.targets]]` `requires_python`; `[[package]]` `name`, `version`, `groups`,
//   `marker`, `extras` (an entry repeating a package for one of its extras), `files[].url`.
// - pylock.toml (PEP 751): `requires-python`; `[[packages]]` `name`, `version` (absent for a source
//   tree: not read), `marker`, `index`.
import type { FileKind, ParsedFile, Span } from '../model';
import { anyOf, entrySpan, LockFile, written, type Written } from './lock-common';
import { buildTree, child, items, parseToml, stringNode, tomlString, translatePoetryConstraint, type TNode } from './pyproject';

type Format = 'uv' | 'poetry' | 'pdm' | 'pylock';

const kindOf: Record<Format, FileKind> = { uv: 'uv-lock', poetry: 'poetry-lock', pdm: 'pdm-lock', pylock: 'pylock' };
const sectionOf: Record<Format, string> = { uv: 'uv.lock', poetry: 'poetry.lock', pdm: 'pdm.lock', pylock: 'pylock.toml' };

export const parseUvLock = (path: string, text: string): ParsedFile => parseTomlLock('uv', path, text);
export const parsePoetryLock = (path: string, text: string): ParsedFile => parseTomlLock('poetry', path, text);
export const parsePdmLock = (path: string, text: string): ParsedFile => parseTomlLock('pdm', path, text);
export const parsePylock = (path: string, text: string): ParsedFile => parseTomlLock('pylock', path, text);

function parseTomlLock(format: Format, path: string, text: string): ParsedFile {
  const lock = new LockFile(path, kindOf[format], text, sectionOf[format]);
  try {
    const program = parseToml(text, lock.file, lock.lines);
    if (program) read(format, lock, buildTree(program));
  } catch (error) {
    // Defensive: the parser must never throw, whatever the input.
    lock.problem({ start: 0, end: 0 }, `Could not read ${sectionOf[format]}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return lock.file;
}

/** A string value, decoded with its place; a value of another type is a problem when `what` names it. */
function str(lock: LockFile, node: TNode | undefined, what?: string): Written | null {
  const value = stringNode(node);
  if (value) return written(tomlString(lock.text, value));
  if (what && node?.value) lock.problem(range(node.value), `Expected a string for ${what}`);
  return null;
}

const range = (node: { range: [number, number] }): Span => ({ start: node.range[0], end: node.range[1] });

/** The strings of an array value (other elements skipped). */
function strings(lock: LockFile, node: TNode | undefined): Written[] {
  const out: Written[] = [];
  for (const item of items(node)) {
    const value = str(lock, item);
    if (value) out.push(value);
  }
  return out;
}

function packagesOf(lock: LockFile, root: TNode, key: string): TNode[] {
  const node = child(root, key);
  if (!node) return [];
  if (node.value && node.value.type !== 'TOMLArray') {
    lock.problem(range(node.value), `Expected an array of tables for '${key}'`);
    return [];
  }
  return items(node);
}

/** The package's name and version, or a problem on the entry; `null` when it locks no version (a source tree). */
function identity(lock: LockFile, pkg: TNode, what: string): { name: Written; version: Written; entry: Span } | null {
  const nameNode = child(pkg, 'name');
  const name = str(lock, nameNode, `a ${what}'s name`);
  if (!name) {
    if (!nameNode) lock.problem(pkg.range ? { start: pkg.range[0], end: pkg.range[1] } : { start: 0, end: 0 }, `A ${what} without a name`);
    return null;
  }
  const versionNode = child(pkg, 'version');
  const version = str(lock, versionNode, `the version of ${name.text}`);
  if (!version) return null;
  const at = (node: TNode | undefined): Span | null => (node?.range ? { start: node.range[0], end: node.range[1] } : null);
  return { name, version, entry: entrySpan(lock.lines, at(nameNode) ?? name.span, at(versionNode)) };
}

function read(format: Format, lock: LockFile, root: TNode): void {
  switch (format) {
    case 'uv':
      return readUv(lock, root);
    case 'poetry':
      return readPoetry(lock, root);
    case 'pdm':
      return readPdm(lock, root);
    case 'pylock':
      return readPylock(lock, root);
  }
}

function readUv(lock: LockFile, root: TNode): void {
  const python = str(lock, child(root, 'requires-python'), 'requires-python');
  if (python) lock.setPython(python);
  for (const pkg of packagesOf(lock, root, 'package')) {
    const source = child(pkg, 'source');
    // Workspace members are the project being locked, not a locked distribution.
    if (child(source, 'editable') || child(source, 'virtual')) continue;
    const id = identity(lock, pkg, 'package');
    if (!id) continue;
    const forks = strings(lock, child(pkg, 'resolution-markers'));
    const forksNode = child(pkg, 'resolution-markers');
    let marker: Written | null = null;
    if (forks.length === 1) marker = forks[0]!;
    else if (forks.length > 1) marker = { text: anyOf(forks.map((f) => f.text)), span: forksNode?.value ? range(forksNode.value) : forks[0]!.span };
    const registry = str(lock, child(source, 'registry'));
    lock.add({ ...id, marker, scope: { kind: 'base' }, ...(registry && /^https?:\/\//i.test(registry.text) ? { index: { url: registry.text, span: registry.span } } : {}) });
  }
}

function readPoetry(lock: LockFile, root: TNode): void {
  const metadata = child(root, 'metadata');
  const python = str(lock, child(metadata, 'python-versions'), '[metadata] python-versions');
  if (python) {
    const translated = translatePoetryConstraint(tomlString(lock.text, stringNode(child(metadata, 'python-versions'))!));
    if (translated && !('error' in translated) && translated.specifier !== '') lock.setPython({ text: translated.specifier, span: python.span });
  }
  // `[extras]`: which optional packages each extra installs.
  const extrasOf = new Map<string, { extra: string; span: Span }[]>();
  for (const [extra, node] of child(root, 'extras')?.children ?? []) {
    for (const member of strings(lock, node)) {
      const name = member.text.split(/[\s([<>=!~;]/)[0]!.toLowerCase().replace(/[-_.]+/g, '-');
      if (!extrasOf.has(name)) extrasOf.set(name, []);
      extrasOf.get(name)!.push({ extra, span: member.span });
    }
  }
  for (const pkg of packagesOf(lock, root, 'package')) {
    const id = identity(lock, pkg, 'package');
    if (!id) continue;
    const sourceUrl = str(lock, child(pkg, 'source', 'url'));
    const sourceType = str(lock, child(pkg, 'source', 'type'))?.text;
    const index = sourceUrl && sourceType === 'legacy' ? { index: { url: sourceUrl.text, span: sourceUrl.span } } : {};
    // Groups (lock-version 2.1) or the older category; markers one string, or one per group.
    let groups = strings(lock, child(pkg, 'groups'));
    if (groups.length === 0) {
      const category = str(lock, child(pkg, 'category'));
      groups = category ? [category] : [];
    }
    const markersNode = child(pkg, 'markers');
    const markerFor = (group: string): Written | null => str(lock, markersNode) ?? str(lock, child(markersNode, group));
    const normalized = id.name.text.toLowerCase().replace(/[-_.]+/g, '-');
    const optional = child(pkg, 'optional')?.value;
    const isOptional = optional?.type === 'TOMLValue' && optional.kind === 'boolean' && optional.value === true;
    const inMain = groups.length === 0 || groups.some((g) => g.text === 'main');
    if (inMain && isOptional && extrasOf.has(normalized)) {
      for (const { extra, span } of extrasOf.get(normalized)!) {
        lock.declareGroup('extra', extra, span);
        lock.add({ ...id, marker: markerFor('main'), scope: { kind: 'extra', name: extra }, ...index });
      }
    } else if (inMain) {
      lock.add({ ...id, marker: markerFor('main'), scope: { kind: 'base' }, ...index });
    }
    if (inMain) continue;
    for (const group of groups) {
      lock.declareGroup('group', group.text, group.span);
      lock.add({ ...id, marker: markerFor(group.text), scope: { kind: 'group', name: group.text }, ...index });
    }
  }
}

function readPdm(lock: LockFile, root: TNode): void {
  const metadata = child(root, 'metadata');
  const python = str(lock, child(metadata, 'requires_python')) ?? str(lock, child(items(child(metadata, 'targets'))[0], 'requires_python'));
  if (python) lock.setPython(python);
  const packages = packagesOf(lock, root, 'package');
  // An entry with `extras` repeats a package for one of its extras: the package's own entry is read.
  const plain = new Set<string>();
  for (const pkg of packages) {
    if (items(child(pkg, 'extras')).length > 0) continue;
    plain.add(`${str(lock, child(pkg, 'name'))?.text.toLowerCase()}\0${str(lock, child(pkg, 'version'))?.text}`);
  }
  for (const pkg of packages) {
    const id = identity(lock, pkg, 'package');
    if (!id) continue;
    if (items(child(pkg, 'extras')).length > 0 && plain.has(`${id.name.text.toLowerCase()}\0${id.version.text}`)) continue;
    const marker = str(lock, child(pkg, 'marker'), `the marker of ${id.name.text}`);
    const url = items(child(pkg, 'files'))
      .map((f) => str(lock, child(f, 'url'))?.text)
      .find((u) => u !== undefined);
    const index = url && /^https?:\/\//i.test(url) ? { index: { url: url.slice(0, url.lastIndexOf('/')), span: id.version.span } } : {};
    const groups = strings(lock, child(pkg, 'groups'));
    if (groups.length === 0 || groups.some((g) => g.text === 'default')) {
      lock.add({ ...id, marker, scope: { kind: 'base' }, ...index });
      continue;
    }
    for (const group of groups) {
      lock.declareGroup('group', group.text, group.span);
      lock.add({ ...id, marker, scope: { kind: 'group', name: group.text }, ...index });
    }
  }
}

function readPylock(lock: LockFile, root: TNode): void {
  const python = str(lock, child(root, 'requires-python'), 'requires-python');
  if (python) lock.setPython(python);
  for (const pkg of packagesOf(lock, root, 'packages')) {
    // A source tree (`directory`, `vcs`) may lock no version: it is the project, or built on install.
    if (!child(pkg, 'version') && child(pkg, 'name')) continue;
    const id = identity(lock, pkg, 'package');
    if (!id) continue;
    const marker = str(lock, child(pkg, 'marker'), `the marker of ${id.name.text}`);
    const index = str(lock, child(pkg, 'index'));
    lock.add({ ...id, marker, scope: { kind: 'base' }, ...(index && /^https?:\/\//i.test(index.text) ? { index: { url: index.text, span: index.span } } : {}) });
  }
}
