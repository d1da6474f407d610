// Conda environment files (`environment.yml`, `conda*.yaml`, any YAML with top-level
// `dependencies:` and `channels:`): each conda match spec of `dependencies` becomes a requirement
// with its version translated to PEP 440 (spans on the spec as written), `python=3.10` the target
// Python of the environment, and the `pip:` list read as the requirements-file lines conda hands
// to pip (with its `-r` and `--index-url`). Conda names stay as written here: which PyPI
// distribution a conda package is, and which PyTorch variant `pytorch-cuda=11.8` or `cpuonly`
// chooses, come from the knowledge base (rules/conda.yaml) through resolveCondaNames. Never throws.
//
// Match specs as conda reads them (conda/models/match_spec.py, docs/source/user-guide/concepts/
// pkg-specs.rst): `name`, `name=1.2` (1.2.*), `name==1.2` (exactly), `name>=1.2,<2`,
// `name 1.2.*`, `name=1.2.3=build*` (exactly 1.2.3 with that build), `channel::name`,
// `name[version='>=1.2',build=*cuda*]`; `|` alternatives have no single PEP 440 form.
import { isMap, isScalar, isSeq, type Document, type Node, type Scalar } from '#yaml';
import { LineIndex } from '../line-index';
import { blankRequirement, type BuildVariant, type ParsedFile, type ParseProblem, type Requirement, type RequirementOrigin, type Span, type SpecifierClause } from '../model';
import { isValidVersion } from '../versions';
import { torchFamily } from '../kb/torch';
import { pushAll } from '../arrays';
import { parseEmbeddedRequirements } from './embedded-requirements';
import { normalizeName } from './pep508';
import { mapSpan, type MappedText } from './pyproject';
import { mapEntries, parseYaml, scalarText, seqItems, type YamlBudget, type YamlFile } from './yaml';

const condaOrigin: RequirementOrigin = { section: 'dependencies', scope: 'base', installer: 'conda' };
const pipOrigin: RequirementOrigin = { section: 'dependencies.pip', scope: 'base' };

/** A conda environment file: top-level `dependencies:` and `channels:` (what conda env reads). */
export function looksLikeCondaEnvironment(text: string): boolean {
  const head = text.slice(0, 64 * 1024);
  return /^dependencies[ \t]*:/m.test(head) && /^channels[ \t]*:/m.test(head);
}

export function parseCondaEnvironment(path: string, text: string): ParsedFile {
  const file: ParsedFile = { path, kind: 'conda', requirements: [], options: [], includes: [], problems: [] };
  const yaml = parseYaml(text);
  pushAll(file.problems, yaml.problems);
  const doc = yaml.documents[0];
  if (!doc || doc.contents === null) return file;
  if (!isMap(doc.contents)) {
    file.problems.push(problemAt(yaml.lines, spanOf(doc.contents as Node), 'A conda environment file is a mapping (name, channels, dependencies)'));
    return file;
  }
  for (const entry of mapEntries(doc.contents, doc, yaml.budget)) {
    if (entry.key === 'channels' && entry.value !== null && isSeq(entry.value)) {
      file.channels = seqItems(entry.value, doc, yaml.budget).flatMap((item) => (isScalar(item) && typeof item.value === 'string' ? [item.value.trim()] : []));
      continue;
    }
    if (entry.key !== 'dependencies' || entry.value === null) continue;
    if (!isSeq(entry.value)) {
      file.problems.push(problemAt(yaml.lines, spanOf(entry.value), '`dependencies` must be a list of package specs'));
      continue;
    }
    readDependencies(file, yaml, doc, entry.value);
  }
  budgetNote(file, yaml.budget);
  return file;
}

function readDependencies(file: ParsedFile, yaml: YamlFile, doc: Document.Parsed, deps: Node): void {
  for (const item of seqItems(deps, doc, yaml.budget)) {
    if (isScalar(item)) {
      if (item.value === null) continue;
      const spec = readMatchSpec(file.path, yaml.lines, scalarText(item, yaml.text), file.problems);
      if (!spec) continue;
      if (spec.isPython) {
        if (spec.python) file.targetPython ??= spec.python;
        continue;
      }
      file.requirements.push(spec.requirement);
      continue;
    }
    if (isMap(item)) {
      for (const entry of mapEntries(item, doc, yaml.budget)) {
        if (entry.key !== 'pip') {
          file.problems.push(problemAt(yaml.lines, spanOf(entry.keyNode ?? item), `Unknown installer '${entry.key ?? '?'}' in dependencies: conda reads only a \`pip:\` list here`));
          continue;
        }
        if (entry.value === null) continue;
        if (!isSeq(entry.value)) {
          file.problems.push(problemAt(yaml.lines, spanOf(entry.value), '`pip` must be a list of requirement lines'));
          continue;
        }
        for (const line of seqItems(entry.value, doc, yaml.budget)) {
          if (!isScalar(line) || line.value === null) {
            if (!isScalar(line)) file.problems.push(problemAt(yaml.lines, spanOf(line), 'A `pip:` entry must be a requirement line'));
            continue;
          }
          const embedded = parseEmbeddedRequirements(file.path, yaml.lines, scalarText(line as Scalar, yaml.text), pipOrigin);
          pushAll(file.requirements, embedded.requirements);
          pushAll(file.options, embedded.options);
          pushAll(file.includes, embedded.includes);
          pushAll(file.problems, embedded.problems);
        }
      }
      continue;
    }
    file.problems.push(problemAt(yaml.lines, spanOf(item), 'A dependency must be a package spec or a `pip:` list'));
  }
}

/** A note when the walk stopped at its budget (an alias bomb): the rest was not read. */
export function budgetNote(file: ParsedFile, budget: YamlBudget): void {
  if (!budget.exhausted) return;
  file.problems.push({ line: 1, span: { start: 0, end: 0 }, message: 'Not fully checked: its aliases expand past the number of YAML nodes one file may have read.', level: 'note' });
}

function spanOf(node: Node | null): Span {
  const range = node?.range;
  return range ? { start: range[0], end: range[1] } : { start: 0, end: 0 };
}

function problemAt(lines: LineIndex, span: Span, message: string): ParseProblem {
  return { line: lines.positionAt(span.start).line + 1, span, message };
}

// ---------------------------------------------------------------------------------------------
// Match specs.

interface ReadSpec {
  requirement: Requirement;
  /** The `python` spec: the environment's interpreter, not a package. */
  isPython?: boolean;
  /** `python=3.10`: the one X.Y it fixes. */
  python?: { version: string; span: Span };
}

/** A package file or its URL (`./pkg.tar.bz2`, `https://…/x.conda`), not a spec to read. */
const packageFile = /\.(?:tar\.bz2|conda)$/i;

/**
 * Reads one match spec (`pytorch::pytorch=2.1.2=*cuda*`). A spec conda itself rejects is a
 * problem; one Pinwise cannot follow (a URL, a glob name) is skipped.
 */
export function readMatchSpec(path: string, lines: LineIndex, mapped: MappedText, problems: ParseProblem[]): ReadSpec | null {
  // Work on a copy where removed parts (comment, brackets) are blanked: offsets stay those of `mapped`.
  let text = mapped.text;
  const blank = (from: number, to: number) => {
    text = text.slice(0, from) + ' '.repeat(Math.max(0, to - from)) + text.slice(to);
  };
  const fail = (from: number, to: number, message: string): null => {
    const span = mapSpan(mapped, { start: from, end: Math.max(from, to) });
    problems.push({ line: lines.positionAt(span.start).line + 1, span, message });
    return null;
  };
  const hash = text.indexOf('#');
  if (hash >= 0) blank(hash, text.length);
  const conditional = text.indexOf(' if ');
  if (conditional >= 0) blank(conditional, text.length);
  if (text.trim() === '') return null;
  if (packageFile.test(text.trim())) return null;

  // `[key=value, ...]`: version and build override what is written outside.
  let bracketVersion: { value: string; at: number } | null = null;
  let bracketBuild: { value: string; at: number } | null = null;
  const open = text.indexOf('[');
  if (open >= 0) {
    const close = text.lastIndexOf(']');
    if (close < open) return fail(open, text.length, `Invalid conda match spec '${mapped.text.trim()}': unclosed '['`);
    const inner = text.slice(open + 1, close);
    for (const m of inner.matchAll(/([A-Za-z0-9_-]+?)=(["']?)([^'"]*?)\2(?:[, ]|$)/g)) {
      const at = open + 1 + m.index + m[1]!.length + 1 + m[2]!.length;
      if (m[3] === '') return fail(open, close + 1, `Invalid conda match spec '${mapped.text.trim()}': key-value mismatch in brackets`);
      if (m[1] === 'version') bracketVersion = { value: m[3]!, at };
      else if (m[1] === 'build' || m[1] === 'build_string') bracketBuild = { value: m[3]!, at };
    }
    blank(open, close + 1);
    if (text.indexOf('[') >= 0) return fail(open, text.length, `Invalid conda match spec '${mapped.text.trim()}': multiple brackets sections not allowed`);
  }
  const paren = /\([^)]*\)/.exec(text);
  if (paren) blank(paren.index, paren.index + paren[0].length);

  // `channel::name`, `channel/subdir::name`: the name starts after the last colon (conda's rsplit(':', 2)).
  const lastColon = text.lastIndexOf(':');
  const from = lastColon >= 0 ? lastColon + 1 : 0;
  const rest = text.slice(from);
  const nameMatch = /^(\s*)([^ =<>!~]+)?/.exec(rest)!;
  const name = nameMatch[2];
  const nameAt = from + nameMatch[1]!.length;
  if (!name) return fail(nameAt, text.length, `Invalid conda match spec '${mapped.text.trim()}': no package name found`);
  const nameEnd = nameAt + name.length;
  if (name.includes('*')) return null;
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/.test(name)) return fail(nameAt, nameEnd, `Invalid conda package name '${name}'`);

  // Version and build: `=1.2`, `>=1.0,<2 py34_0`, `1.2.3=0`, `* *cuda*` (conda's _parse_version_plus_build).
  let versionText = '';
  let versionAt = nameEnd;
  let build: { text: string; at: number } | null = null;
  const tail = text.slice(nameEnd);
  if (tail.trim() !== '') {
    const lead = tail.length - tail.trimStart().length;
    const body = tail.trim();
    const bodyAt = nameEnd + lead;
    const split = /^((?:.+?)[^><!,|]?)(?:(?<![=!|,<>~])(?:[ =])([^-=,|<>~]+?))?$/d.exec(body);
    if (!split) return fail(bodyAt, bodyAt + body.length, `Invalid conda match spec '${mapped.text.trim()}'`);
    versionText = split[1]!;
    versionAt = bodyAt;
    if (split[2] !== undefined) {
      const buildAt = bodyAt + split.indices![2]![0];
      const raw = split[2];
      const trimmed = raw.trim();
      build = { text: trimmed, at: buildAt + (raw.length - raw.trimStart().length) };
    }
  }
  if (bracketBuild) build = { text: bracketBuild.value, at: bracketBuild.at };
  if (bracketVersion) {
    versionText = bracketVersion.value;
    versionAt = bracketVersion.at;
  }

  const translated = translateCondaVersion(versionText, versionAt, build !== null);
  if ('error' in translated) return fail(translated.from, translated.to, `Invalid conda version spec '${versionText.trim()}' in '${mapped.text.trim()}': ${translated.error}`);

  const whole = mapSpan(mapped, { start: 0, end: mapped.text.length });
  const requirement: Requirement = {
    ...blankRequirement({ file: path, line: lines.positionAt(whole.start).line + 1, span: whole, origin: condaOrigin }),
    name,
    nameSpan: mapSpan(mapped, { start: nameAt, end: nameEnd }),
    normalizedName: normalizeName(name),
    specifier: translated.clauses.map((c) => c.operator + c.version).join(','),
    specifierSpan: translated.span ? mapSpan(mapped, translated.span) : null,
    clauses: translated.clauses.map((c) => ({ ...c, span: mapSpan(mapped, c.span), versionSpan: mapSpan(mapped, c.versionSpan) })),
  };
  const bound = text.lastIndexOf('::');
  if (bound > 0 && text.slice(0, bound).trim() !== '') requirement.channel = text.slice(0, bound).trim();
  if (build && build.text !== '') requirement.build = { text: build.text, span: mapSpan(mapped, { start: build.at, end: build.at + build.text.length }) };
  if (normalizeName(name) === 'python') {
    const minor = fixedMinor(requirement.clauses);
    return { requirement, isPython: true, ...(minor ? { python: { version: minor.version, span: minor.span } } : {}) };
  }
  return { requirement };
}

/** `python=3.10` / `python==3.10.12` / `python 3.10.*`: the one X.Y the environment runs, with where it is written. */
function fixedMinor(clauses: readonly SpecifierClause[]): { version: string; span: Span } | null {
  if (clauses.length !== 1 || clauses[0]!.operator !== '==') return null;
  const m = /^(\d+\.\d+)(?:\.\d+)*(?:\.\*)?$/.exec(clauses[0]!.version);
  return m ? { version: m[1]!, span: clauses[0]!.versionSpan } : null;
}

type Translated = { clauses: SpecifierClause[]; span: Span | null } | { error: string; from: number; to: number };

/**
 * A conda version spec in PEP 440 terms, with spans (relative to the spec text) on what was
 * written. Spaces are insignificant (`>= 1.8`). `|` alternatives and glob forms PEP 440 has no
 * clause for leave the pin open (no clause); a version that is not PEP 440 (`1.1.1l`) leaves its
 * clause out, since conda accepts it and pip never sees it.
 */
export function translateCondaVersion(written: string, at: number, hasBuild: boolean): Translated {
  // Characters kept once spaces are dropped, each with its offset in the spec text.
  const kept: number[] = [];
  let compact = '';
  for (let i = 0; i < written.length; i++) {
    if (written[i] === ' ' || written[i] === '\t') continue;
    compact += written[i]!;
    kept.push(at + i);
  }
  if (compact === '') return { clauses: [], span: null };
  const spanOf = (from: number, to: number): Span => ({ start: kept[from]!, end: kept[Math.max(from, to - 1)]! + 1 });
  const whole = spanOf(0, compact.length);
  if (compact.includes('|')) return { clauses: [], span: whole };

  // A lone `=X` is fuzzy (X.*) unless a build is given; `==X` is exact (conda's _parse_spec_str).
  let body = compact;
  let offset = 0;
  let fuzzy = false;
  if (body.startsWith('=') && !body.startsWith('==') && !/[=,|]/.test(body.slice(1))) {
    body = body.slice(1);
    offset = 1;
    fuzzy = !hasBuild && !body.endsWith('*');
  }
  const clauses: SpecifierClause[] = [];
  let termStart = 0;
  for (const term of body.split(',')) {
    const termAt = offset + termStart;
    termStart += term.length + 1;
    if (term === '') return { error: 'empty version constraint', from: whole.start, to: whole.end };
    const m = /^(==|!=|<=|>=|<|>|~=|=)?(.*)$/.exec(term)!;
    let operator = (m[1] ?? '') as string;
    let version = m[2]!;
    if (version === '') return { error: `'${term}' names no version`, from: spanOf(termAt, termAt + term.length).start, to: spanOf(termAt, termAt + term.length).end };
    if (/[=<>!~]/.test(version)) return { error: `'${term}' is not a version constraint`, from: spanOf(termAt, termAt + term.length).start, to: spanOf(termAt, termAt + term.length).end };
    const versionStart = termAt + (m[1]?.length ?? 0);
    let versionLength = version.length;
    let wildcard = fuzzy || operator === '=';
    if (version === '*') continue;
    if (version.endsWith('.*')) {
      version = version.slice(0, -2);
      versionLength -= 2;
      wildcard = true;
    } else if (version.endsWith('*')) {
      version = version.slice(0, -1);
      versionLength -= 1;
      wildcard = true;
    }
    if (version.includes('*')) continue; // a glob in the middle: no PEP 440 clause says it
    if (!isValidVersion(version)) continue;
    if (operator === '' || operator === '=') operator = '==';
    if (wildcard && operator !== '==' && operator !== '!=') continue;
    // A fuzzy `=X` clause is written with its `=`.
    const clauseSpan = spanOf(termAt === 1 && offset === 1 ? 0 : termAt, termAt + term.length);
    const versionSpan = spanOf(versionStart, versionStart + versionLength);
    clauses.push({ operator: operator as SpecifierClause['operator'], version: wildcard ? `${version}.*` : version, span: clauseSpan, versionSpan });
  }
  return { clauses, span: whole };
}

// ---------------------------------------------------------------------------------------------
// Names and variants, from the knowledge base.

/** What rules/conda.yaml says about conda package names (see kb/conda.ts). */
export interface CondaNames {
  /** Conda name → the PyPI distribution it is (`pytorch` → `torch`). */
  pypiName(condaName: string): string | null;
  /** A package that chooses the PyTorch variant (`pytorch-cuda`, `cudatoolkit`, `cpuonly`): the variant its version gives, or undefined when it is not one. */
  selectorVariant(condaName: string, version: string | null): string | null | undefined;
  /** The variant a build string of a torch-family package names (`py3.10_cuda11.8_cudnn8.7.0_0` → `cu118`), or null. */
  buildVariant(build: string): string | null;
}

const resolvedCache = new WeakMap<ParsedFile, WeakMap<CondaNames, ParsedFile>>();

/**
 * The file as pip's world sees it: conda names replaced by the PyPI distributions they are,
 * variant-choosing packages (`pytorch-cuda=11.8`) turned into the file's `variant` instead of
 * pins. Cached per parse and knowledge base: the parse itself is never changed.
 */
export function resolveCondaNames(file: ParsedFile, names: CondaNames | undefined): ParsedFile {
  if (!names || !file.requirements.some((r) => r.origin.installer === 'conda')) return file;
  let byNames = resolvedCache.get(file);
  if (!byNames) resolvedCache.set(file, (byNames = new WeakMap()));
  const cached = byNames.get(names);
  if (cached) return cached;
  const requirements: Requirement[] = [];
  let variant: BuildVariant | undefined;
  let buildVariant: BuildVariant | undefined;
  const text = (r: Requirement) => `${r.name ?? ''}${r.specifier ? r.specifier : ''}`;
  for (const r of file.requirements) {
    if (r.origin.installer !== 'conda' || !r.normalizedName) {
      requirements.push(r);
      continue;
    }
    const exactish = r.clauses.length === 1 && r.clauses[0]!.operator === '==' ? r.clauses[0]!.version.replace(/\.\*$/, '') : null;
    const chosen = names.selectorVariant(r.normalizedName, exactish);
    if (chosen !== undefined) {
      if (chosen !== null) variant ??= { tag: chosen, text: text(r), span: r.span };
      continue;
    }
    const pypi = names.pypiName(r.normalizedName);
    const renamed = pypi && pypi !== r.normalizedName ? { ...r, normalizedName: pypi } : r;
    if (r.build && !buildVariant && (torchFamily as readonly string[]).includes(pypi ?? r.normalizedName)) {
      const tag = names.buildVariant(r.build.text);
      if (tag) buildVariant = { tag, text: r.build.text, span: r.build.span };
    }
    requirements.push(renamed);
  }
  const chosenVariant = variant ?? buildVariant;
  const resolved: ParsedFile = { ...file, requirements, ...(chosenVariant ? { variant: chosenVariant } : {}) };
  byNames.set(names, resolved);
  return resolved;
}
