// Pipfile.lock (pipenv, `pipfile-spec` 6): JSON with `_meta` (`requires.python_version` or
// `python_full_version`, `sources[]` with `name` and `url`) and one object per package category:
// `default` (the base install), `develop` (`pipenv install --dev`, over the default packages) and
// any other category pipenv was asked to lock. Each package is `{"version": "==2.1.2", "markers":
// "...", "index": "<source name>", "hashes": [...]}`; an editable, path or VCS entry without a
// version is not read.
import type { ParsedFile, Span } from '../model';
import { jsonMember, jsonStringMember, jsonStringText, parseJson, type JsonString, type JsonValue } from './json';
import { LockFile, written, type Written } from './lock-common';
import { mapSpan } from './pyproject';

export function parsePipfileLock(path: string, text: string): ParsedFile {
  const lock = new LockFile(path, 'pipfile-lock', text, 'Pipfile.lock');
  try {
    read(lock, text);
  } catch (error) {
    lock.problem({ start: 0, end: 0 }, `Could not read Pipfile.lock: ${error instanceof Error ? error.message : String(error)}`);
  }
  return lock.file;
}

function read(lock: LockFile, text: string): void {
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const at = parsed.error.offset;
    const line = lock.lines.positionAt(at).line;
    lock.problem({ start: at, end: Math.max(at, lock.lines.lineEnd(line)) }, `Invalid JSON: ${parsed.error.message}`);
    return;
  }
  const root = parsed.value;
  if (root.type !== 'object') {
    lock.problem(root.span, 'Expected a JSON object with "_meta", "default" and "develop"');
    return;
  }
  const str = (node: JsonString): Written => written(jsonStringText(text, node));
  const meta = jsonMember(root, '_meta');
  const requires = jsonMember(meta, 'requires');
  const python = jsonStringMember(requires, 'python_full_version') ?? jsonStringMember(requires, 'python_version');
  if (python) lock.setPython(str(python));
  const sources = new Map<string, Written>();
  const sourceList = jsonMember(meta, 'sources');
  for (const source of sourceList?.type === 'array' ? sourceList.elements : []) {
    const name = jsonStringMember(source, 'name');
    const url = jsonStringMember(source, 'url');
    if (name && url) sources.set(name.value, str(url));
  }
  for (const { key, value } of root.members) {
    const category = key.value;
    if (category === '_meta') continue;
    if (value.type !== 'object') {
      lock.problem(value.span, `Expected an object of packages for "${category}"`);
      continue;
    }
    const scope = category === 'default' ? ({ kind: 'base' } as const) : ({ kind: 'group', name: category } as const);
    if (scope.kind === 'group' && value.members.length > 0) lock.declareGroup('group', category, { start: key.span.start + 1, end: key.span.end - 1 });
    for (const member of value.members) readPackage(lock, text, member.key, member.value, scope, sources, str);
  }
}

function readPackage(
  lock: LockFile,
  text: string,
  key: JsonString,
  entry: JsonValue,
  scope: { kind: 'base' } | { kind: 'group'; name: string },
  sources: Map<string, Written>,
  str: (node: JsonString) => Written,
): void {
  const name = str(key);
  if (entry.type !== 'object') {
    lock.problem(entry.span, `Expected an object for ${key.value}`);
    return;
  }
  const versionNode = jsonMember(entry, 'version');
  if (!versionNode) return; // editable, path or VCS: nothing locked to compare
  if (versionNode.type !== 'string') {
    lock.problem(versionNode.span, `Expected a version string for ${key.value}`);
    return;
  }
  const mapped = jsonStringText(text, versionNode);
  const match = /^\s*===?\s*/.exec(mapped.text);
  if (!match) {
    // pipenv writes `==X`; a `*` or a range is not a locked version.
    lock.problem({ ...mapped.whole }, `Expected an exact version (==X) for ${key.value}, not '${mapped.text}'`);
    return;
  }
  const versionText = mapped.text.slice(match[0].length);
  const version: Written = { text: versionText, span: mapSpan(mapped, { start: match[0].length, end: mapped.text.length }) };
  const clauseSpan: Span = mapSpan(mapped, { start: mapped.text.length - mapped.text.trimStart().length, end: mapped.text.length });
  const markers = jsonStringMember(entry, 'markers');
  const index = jsonStringMember(entry, 'index');
  const url = index ? sources.get(index.value) : undefined;
  lock.add({
    name,
    version,
    clauseSpan,
    entry: { ...key.span },
    marker: markers ? str(markers) : null,
    scope,
    ...(url ? { index: { url: url.text, span: url.span } } : {}),
  });
}
