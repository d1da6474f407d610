// Pipfile (pipenv, TOML) into the shared model: `[packages]` (the base install), `[dev-packages]`
// and any other package category (each a group over the base), `[requires]` python_version /
// python_full_version (the Python its environments run), and `[[source]]`: the first source is
// the index packages come from, a package's `index = "name"` pins it to that source's URL.
// A value is `"*"`, a specifier (`"==2.1.0"`, `">=1,<2"`) or a table (`version`, `extras`,
// `markers`, marker variables like `sys_platform = "== 'linux'"`, `index`); git, path and file
// entries name no version and are left alone. Spans point into the Pipfile as written.
import type { AST } from 'toml-eslint-parser';
import { pushAll } from '../arrays';
import { LineIndex } from '../line-index';
import type { ParsedFile, RequirementIndex, Span } from '../model';
import { setFilePython, written } from './lock-common';
import { buildTree, child, identityText, indexOption, items, keyNameSpan, parseMappedRequirement, parseToml, stringNode, tomlString, type MappedText, type TNode } from './pyproject';

/** Top-level tables that are not package categories. */
const notCategories = new Set(['source', 'requires', 'pipenv', 'scripts']);

/** PEP 508 marker variables pipenv accepts as keys of a package's table. */
const markerKeys = ['os_name', 'sys_platform', 'platform_machine', 'platform_python_implementation', 'platform_release', 'platform_system', 'platform_version', 'python_version', 'python_full_version', 'implementation_name', 'implementation_version'];

export function parsePipfile(path: string, text: string): ParsedFile {
  const file: ParsedFile = { path, kind: 'pipfile', requirements: [], options: [], includes: [], problems: [], groups: [] };
  try {
    read(file, text);
  } catch (error) {
    // Defensive: the parser must never throw, whatever the input.
    file.problems.push({ line: 1, span: { start: 0, end: 0 }, message: `Could not read Pipfile: ${error instanceof Error ? error.message : String(error)}` });
  }
  return file;
}

function read(file: ParsedFile, text: string): void {
  const lines = new LineIndex(text);
  const program = parseToml(text, file, lines);
  if (!program) return;
  const root = buildTree(program);
  const problem = (span: Span, message: string) => file.problems.push({ line: lines.positionAt(span.start).line + 1, span, message });

  const requires = child(root, 'requires');
  const python = stringNode(child(requires, 'python_full_version')) ?? stringNode(child(requires, 'python_version'));
  if (python) setFilePython(file, written(tomlString(text, python)));

  const sources = new Map<string, { url: string; urlSpan: Span }>();
  for (const [i, source] of items(child(root, 'source')).entries()) {
    const url = stringNode(child(source, 'url'));
    if (!url) continue;
    const name = stringNode(child(source, 'name'))?.value;
    if (name !== undefined) sources.set(name, { url: url.value, urlSpan: { ...tomlString(text, url).whole } });
    // pipenv looks for a package on the first source only, unless the package names its index.
    if (i === 0) file.options.push(indexOption(file.path, lines, text, child(source, 'url')!, url, true));
  }

  for (const [category, table] of root.children) {
    if (notCategories.has(category) || table.value !== undefined) continue;
    const base = category === 'packages';
    if (!base && table.children.size > 0) {
      const span = table.key ? keyNameSpan(table.key) : { start: 0, end: 0 };
      file.groups!.push({ kind: 'group', name: category, span, includeGroups: [] });
    }
    const origin = base ? ({ section: 'packages', scope: 'base' } as const) : ({ section: category, group: category, scope: 'group' } as const);
    for (const [name, entry] of table.children) {
      if (!entry.key || !entry.value) continue;
      const mapped = requirementText(text, name, entry, problem);
      if (!mapped) continue;
      const requirement = parseMappedRequirement(file.path, lines, mapped, origin, file.problems);
      if (!requirement) continue;
      const index = stringNode(child(entry, 'index'));
      if (index) {
        const declared = sources.get(index.value);
        const at: RequirementIndex = { name: index.value, url: declared?.url ?? null, ...(declared ? { urlSpan: declared.urlSpan } : {}), marker: null, span: { ...tomlString(text, index).whole } };
        requirement.indexes = [at];
      }
      file.requirements.push(requirement);
    }
  }
}

/** Characters that all stand for one place of the file (the punctuation joining written parts). */
function placed(text: string, at: number): MappedText {
  return { text, starts: new Array<number>(text.length).fill(at), ends: new Array<number>(text.length).fill(at), whole: { start: at, end: at } };
}

function joined(parts: MappedText[], whole: Span): MappedText {
  return { text: parts.map((p) => p.text).join(''), starts: parts.flatMap((p) => p.starts), ends: parts.flatMap((p) => p.ends), whole };
}

/**
 * The PEP 508 requirement a Pipfile entry stands for (`name[extras]specifier; markers`), each part
 * mapped to where it is written; null for an entry with no version to read (git, path, file).
 */
function requirementText(text: string, name: string, entry: TNode, problem: (span: Span, message: string) => void): MappedText | null {
  const key = entry.key!;
  const nameSpan = keyNameSpan(key);
  const whole = { start: entry.range![0], end: entry.range![1] };
  const parts: MappedText[] = [nameSpan.end - nameSpan.start === name.length ? identityText(name, nameSpan.start) : placed(name, nameSpan.start)];
  const value = entry.value!;
  let version: AST.TOMLStringValue | null = stringNode(entry);
  if (value.type === 'TOMLInlineTable') {
    if (['git', 'path', 'file', 'ref'].some((k) => child(entry, k))) return null;
    version = stringNode(child(entry, 'version'));
    const extras = items(child(entry, 'extras')).flatMap((item) => (stringNode(item) ? [tomlString(text, stringNode(item)!)] : []));
    if (extras.length > 0) {
      const at = extras[0]!.whole.start;
      parts.push(placed('[', at));
      extras.forEach((extra, i) => {
        if (i > 0) parts.push(placed(',', extra.whole.start));
        parts.push(extra);
      });
      parts.push(placed(']', extras[extras.length - 1]!.whole.end));
    }
  } else if (!version) {
    problem({ start: value.range[0], end: value.range[1] }, `Expected a version string ("*", "==1.2") or a table for '${name}'`);
    return null;
  }
  if (version) {
    const mapped = tomlString(text, version);
    const trimmed = mapped.text.trim();
    if (trimmed !== '*' && trimmed !== '') {
      if (!/^[<>=!~]/.test(trimmed)) {
        problem({ ...mapped.whole }, `Expected a version specifier for '${name}' (like "==${trimmed}" or "*"), not '${mapped.text}'`);
        return null;
      }
      parts.push(mapped);
    }
  }
  const markers: MappedText[] = [];
  const markerNode = stringNode(child(entry, 'markers'));
  if (markerNode) markers.push(tomlString(text, markerNode));
  for (const variable of markerKeys) {
    const node = stringNode(child(entry, variable));
    if (!node) continue;
    const mapped = tomlString(text, node);
    markers.push(joined([placed(`${variable} `, mapped.whole.start), mapped], mapped.whole));
  }
  if (markers.length > 0) {
    const at = markers[0]!.whole.start;
    parts.push(placed('; ', at));
    markers.forEach((marker, i) => {
      if (i > 0) parts.push(placed(' and ', marker.whole.start));
      pushAll(parts, markers.length > 1 ? [placed('(', marker.whole.start), marker, placed(')', marker.whole.end)] : [marker]);
    });
  }
  return joined(parts, whole);
}
