// Conformance of versions.ts, markers.ts and parsers/pep508.ts against pypa/packaging's
// own test vectors (../shared/corpus/peer/packaging-vectors.json, see its README).
// Every section counts agreements; a test fails when a count drops below the figure
// reached (FLOORS) or when a row disagrees that is not listed in ALLOWED with a reason.
// Results and every remaining difference: packaging-vectors.md beside this file.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateMarker, formatMarker, markerEnvironment, parseMarker, type MarkerEnvironment } from '../../server/src/engine/markers';
import { parsePep508 } from '../../server/src/engine/parsers/pep508';
import {
  compareVersions,
  filterVersions,
  isValidSpecifier,
  isValidVersion,
  normalizeVersion,
  parseSpecifierSet,
  parseVersion,
  satisfies,
  specifierAllowsPrereleases,
  type MatchOptions,
} from '../../server/src/engine/versions';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const vectorsPath = resolve(repoRoot, '../shared/corpus/peer/packaging-vectors.json');
const present = existsSync(vectorsPath);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const vectors: Any = present ? JSON.parse(readFileSync(vectorsPath, 'utf8')) : null;

/** Lowest agreement count per section; raise when more rows agree, never lower. */
const FLOORS: Record<string, number> = {
  'version.ordered_valid_versions': 92,
  'version.ordering_pairs': 8464,
  'version.invalid_versions': 20,
  'version.normalized': 102,
  'version.str_repr': 47,
  'version.properties': 288,
  'version.rc_equals_c': 1,
  'specifier.valid_specifiers': 9,
  'specifier.invalid_specifiers': 31,
  'specifier.versions_valid_with_every_operator': 665,
  'specifier.operator_and_version_property': 20,
  'specifier.contains': 188,
  'specifier.contains_invalid_version_string': 11,
  'specifier.arbitrary_equality': 47,
  'specifier.prereleases_detection': 14,
  'specifier.contains_prerelease_flags': 58,
  'specifier.filter': 40,
  'specifier.set_empty_contains_all': 92,
  'specifier.set_prereleases_explicit': 50,
  'specifier.set_contains_installed_prereleases': 41,
  'specifier.set_filter': 70,
  'specifier.set_filter_exclusionary_bridges': 32,
  'specifier.set_contains_exclusionary_bridges': 101,
  'specifier.set_contains_post_release_boundary': 6,
  'specifier.set_contains_arbitrary_equality': 19,
  'specifier.set_contains_ignores_local': 6,
  'specifier.boundary_closure_short_release': 3,
  'marker.valid': 1440,
  'marker.pep345_valid': 600,
  'marker.setuptools_legacy_valid': 120,
  'marker.invalid': 6,
  'marker.invalid_malformed_quoted_string': 2,
  'marker.str_normalization': 9,
  'marker.different': 4,
  'marker.evaluate': 15,
  'marker.evaluate_pep345': 6,
  'marker.version_like_equality': 6,
  'requirement.valid_parse': 216,
  'requirement.invalid': 39,
  'requirement.valid_marker_suffix': 6,
  'requirement.file_url': 4,
  'requirement.normalized_str': 2,
  'requirement.str_roundtrip': 48,
  'requirement.misc_valid': 9,
  'computed.requirements': 26,
  'computed.marker_eval': 44,
  'computed.version_normalization': 11,
  'computed.contains': 17,
};

/** Rows allowed to disagree, `section: input` → reason. Empty: every row agrees. */
const ALLOWED: Record<string, string> = {};

interface Outcome {
  agree: number;
  total: number;
  differences: string[];
}

const results = new Map<string, Outcome>();

function tally(section: string, rows: readonly Any[], check: (row: Any) => boolean | [boolean, string]): void {
  const outcome: Outcome = { agree: 0, total: 0, differences: [] };
  for (const row of rows) {
    outcome.total++;
    let ok: boolean;
    let key = typeof row === 'string' ? row : JSON.stringify(row);
    try {
      const r = check(row);
      if (Array.isArray(r)) [ok, key] = r;
      else ok = r;
    } catch (error) {
      ok = false;
      key += ` (threw ${String(error)})`;
    }
    if (ok) outcome.agree++;
    else outcome.differences.push(`${section}: ${key}`);
  }
  results.set(section, outcome);
}

/** `prereleases` for satisfies/filter from packaging's (contains-level ?? set-level) flags. */
function pre(...flags: (boolean | null | undefined)[]): MatchOptions {
  for (const f of flags) if (f === true || f === false) return { prereleases: f };
  return {};
}

const sameList = (a: readonly string[], b: readonly string[]) => JSON.stringify(a) === JSON.stringify(b);
const sortedSet = (a: readonly string[]) => [...new Set(a)].sort();

/** The "current interpreter" of packaging's tests that pass no environment: a Linux CPython. */
const host: Partial<MarkerEnvironment> = {
  ...markerEnvironment({ python: '3.12.4', platform: 'linux' }),
  platform_release: '6.1.0',
  platform_version: '#1 SMP',
  extra: '',
};

function runAll(): void {
  const V = vectors.version;
  const ordered: string[] = V.ordered_valid_versions.versions;
  tally('version.ordered_valid_versions', ordered, (v) => isValidVersion(v));
  const pairs: [number, number][] = [];
  for (let i = 0; i < ordered.length; i++) for (let j = 0; j < ordered.length; j++) pairs.push([i, j]);
  tally('version.ordering_pairs', pairs, ([i, j]) => [
    Math.sign(compareVersions(ordered[i]!, ordered[j]!)) === Math.sign(i - j),
    `${ordered[i]} vs ${ordered[j]}`,
  ]);
  tally('version.invalid_versions', V.invalid_versions.cases, (c) => [!isValidVersion(c.version), c.version]);
  tally('version.normalized', V.normalized.cases, (c) => [normalizeVersion(c.version) === c.normalized, c.version]);
  tally('version.str_repr', V.str_repr.cases, (c) => [normalizeVersion(c.version) === c.expected, c.version]);
  const props: Any[] = [];
  for (const [attr, ours] of [
    ['public', (v: Any) => v.public],
    ['base_version', (v: Any) => v.baseVersion],
    ['epoch', (v: Any) => v.epoch],
    ['release', (v: Any) => v.release],
    ['local', (v: Any) => v.local],
    ['pre', (v: Any) => v.pre],
    ['dev', (v: Any) => v.dev],
    ['post', (v: Any) => v.post],
    ['is_prerelease', (v: Any) => v.isPrerelease],
    ['is_devrelease', (v: Any) => v.isDevrelease],
    ['is_postrelease', (v: Any) => v.isPostrelease],
  ] as const) {
    for (const c of V[`property_${attr}`].cases) props.push({ attr, ours, c });
  }
  tally('version.properties', props, ({ attr, ours, c }) => {
    const expected = attr in c ? c[attr] : c.expected;
    return [JSON.stringify(ours(parseVersion(c.version))) === JSON.stringify(expected), `${attr}(${c.version})`];
  });
  tally('version.rc_equals_c', V.rc_equals_c.cases, ([a, b]) => compareVersions(a, b) === 0);

  const S = vectors.specifier;
  tally('specifier.valid_specifiers', S.valid_specifiers.cases, (c) => [isValidSpecifier(c.specifier), c.specifier]);
  tally('specifier.invalid_specifiers', S.invalid_specifiers.cases, (c) => [!isValidSpecifier(c.specifier), c.specifier]);
  const everyOp: string[][] = [];
  for (const c of S.versions_valid_with_every_operator.cases) {
    for (const op of ['~=', '==', '!=', '<=', '>=', '<', '>']) everyOp.push([op, c.version]);
  }
  tally('specifier.versions_valid_with_every_operator', everyOp, ([op, v]) => {
    const expected = v!.includes('+') ? op === '==' || op === '!=' : true;
    return [isValidSpecifier(op! + v!) === expected, op! + v!];
  });
  const propRows = [
    ...S.operator_property.cases.map((c: Any) => ({ spec: c.spec, field: 'operator', value: c.op })),
    ...S.version_property.cases.map((c: Any) => ({ spec: c.spec, field: 'version', value: c.version })),
  ];
  tally('specifier.operator_and_version_property', propRows, (r) => {
    const parsed = parseSpecifierSet(r.spec);
    return [parsed.ok && parsed.clauses.length === 1 && (parsed.clauses[0] as Any)[r.field] === r.value, `${r.field}(${r.spec})`];
  });
  tally('specifier.contains', S.contains.cases, (c) => [satisfies(c.version, c.spec_str, { prereleases: true }) === c.expected, `${c.version} in ${c.spec_str}`]);
  tally('specifier.contains_invalid_version_string', S.contains_invalid_version_string.cases, (c) => [
    satisfies(c.version, c.spec_str, { prereleases: true }) === c.expected,
    `${c.version} in ${c.spec_str}`,
  ]);
  tally('specifier.arbitrary_equality', S.arbitrary_equality.cases, (c) => [
    satisfies(c.version, c.spec_str ?? c.specifier, { prereleases: true }) === c.expected,
    JSON.stringify(c),
  ]);
  tally('specifier.prereleases_detection', S.prereleases_detection.cases, (c) => [specifierAllowsPrereleases(c.specifier) === c.expected, c.specifier]);
  tally('specifier.contains_prerelease_flags', S.contains_prerelease_flags.cases, (c) => [
    satisfies(c.version, c.specifier, pre(c.contains_pre, c.spec_pre)) === c.expected,
    `${c.version} in ${c.specifier} (${c.spec_pre}, ${c.contains_pre})`,
  ]);
  tally('specifier.filter', S.filter.cases, (c) => [
    sameList(filterVersions(c.input, c.specifier, pre(c.prereleases, c.specifier_prereleases)), c.expected),
    `${c.specifier} over ${c.input.join(' ')} (${c.specifier_prereleases}, ${c.prereleases})`,
  ]);
  tally('specifier.set_empty_contains_all', S.set_empty_contains_all.cases, (c) => [satisfies(c.version, '', { prereleases: true }), c.version]);
  const explicitRows: Any[] = [];
  for (const c of S.set_prereleases_explicit.cases) {
    explicitRows.push({ c, flag: c.initial_prereleases, expected: c.initial_contains });
    explicitRows.push({ c, flag: c.set_prereleases, expected: c.final_contains });
  }
  tally('specifier.set_prereleases_explicit', explicitRows, ({ c, flag, expected }) => [
    satisfies(c.version, c.spec_str, pre(flag)) === expected,
    `${c.version} in '${c.spec_str}' (${flag})`,
  ]);
  tally('specifier.set_contains_installed_prereleases', S.set_contains_installed_prereleases.cases, (c) => [
    // `installed=True` means "already installed: pre-release policy does not apply".
    satisfies(c.version, c.specifier, c.installed ? {} : pre(c.contains_prereleases, c.spec_prereleases)) === c.expected,
    `${c.version} in ${c.specifier} (${c.spec_prereleases}, ${c.contains_prereleases}, installed=${c.installed})`,
  ]);
  tally('specifier.set_filter', S.set_filter.cases, (c) => [
    sameList(filterVersions(c.input, c.specifier, pre(c.prereleases, c.specifier_prereleases)), c.expected),
    `${c.specifier} over ${c.input.join(' ')} (${c.specifier_prereleases}, ${c.prereleases})`,
  ]);
  tally('specifier.set_filter_exclusionary_bridges', S.set_filter_exclusionary_bridges.cases, (c) => [
    sameList(filterVersions(c.input, c.specifier, pre(c.prereleases)), c.expected),
    `${c.specifier} over ${c.input.join(' ')} (${c.prereleases})`,
  ]);
  tally('specifier.set_contains_exclusionary_bridges', S.set_contains_exclusionary_bridges.cases, (c) => [
    satisfies(c.version, c.specifier, pre(c.prereleases)) === c.expected,
    `${c.version} in ${c.specifier} (${c.prereleases})`,
  ]);
  tally('specifier.set_contains_post_release_boundary', S.set_contains_post_release_boundary.cases, (c) => [
    satisfies(c.version, c.spec_str, { prereleases: true }) === c.expected,
    `${c.version} in ${c.spec_str}`,
  ]);
  tally('specifier.set_contains_arbitrary_equality', S.set_contains_arbitrary_equality.cases, (c) => [
    satisfies(c.version, c.specifier) === c.expected,
    `${c.version} in ${c.specifier}`,
  ]);
  tally('specifier.set_contains_ignores_local', S.set_contains_ignores_local.cases, (c) => [satisfies(c.version, c.specifier) === c.expected, `${c.version} in ${c.specifier}`]);
  tally('specifier.boundary_closure_short_release', S.boundary_closure_short_release.cases, (c) => [
    satisfies(c.version_str, c.spec_str) === c.expected,
    `${c.version_str} in ${c.spec_str}`,
  ]);

  const M = vectors.marker;
  for (const key of ['valid', 'pep345_valid', 'setuptools_legacy_valid']) {
    tally(`marker.${key}`, M[key].cases, (c) => [parseMarker(c.marker_string).ok, c.marker_string]);
  }
  tally('marker.invalid', M.invalid.cases, (c) => [!parseMarker(c.marker_string).ok, c.marker_string]);
  tally('marker.invalid_malformed_quoted_string', M.invalid_malformed_quoted_string.cases, (c) => {
    const r = parseMarker(c.marker_string);
    const firstLine = String(c.expected).split('\n')[0]!.replace(/^packaging\.markers\.InvalidMarker: /, '');
    return [!r.ok && r.message === firstLine, c.marker_string];
  });
  tally('marker.str_normalization', M.str_normalization.cases, (c) => {
    const r = parseMarker(c.marker_string);
    return [r.ok && formatMarker(r.marker) === c.expected, c.marker_string];
  });
  tally('marker.different', M.different.cases, (c) => {
    const a = parseMarker(c.example1);
    const b = parseMarker(c.example2);
    return [a.ok && b.ok && formatMarker(a.marker) !== formatMarker(b.marker), `${c.example1} vs ${c.example2}`];
  });
  for (const key of ['evaluate', 'evaluate_pep345', 'version_like_equality']) {
    tally(`marker.${key}`, M[key].cases, (c) => {
      const r = parseMarker(c.marker_string);
      return [r.ok && evaluateMarker(r.marker, { ...host, ...(c.environment ?? {}) }) === c.expected, `${c.marker_string} @ ${JSON.stringify(c.environment)}`];
    });
  }

  const R = vectors.requirement;
  tally('requirement.valid_parse', R.valid_parse.cases, (c) => {
    const r = parsePep508(c.input);
    if (!r.ok) return [false, `${c.input} (${r.message})`];
    const q = r.requirement;
    const got = { name: q.name, extras: sortedSet(q.extras), url: q.url, specifier: q.specifier, marker: q.markerNormalized };
    const want = { name: c.name, extras: sortedSet(c.extras), url: c.url, specifier: c.specifier, marker: c.marker };
    return [JSON.stringify(got) === JSON.stringify(want), c.input];
  });
  tally('requirement.invalid', R.invalid.cases, (c) => {
    const r = parsePep508(c.input);
    return [!r.ok && r.message === c.message_first_line, JSON.stringify(c.input)];
  });
  tally('requirement.valid_marker_suffix', R.valid_marker_suffix.cases, (c) => [parsePep508(`name; ${c.marker}`).ok, c.marker]);
  tally('requirement.file_url', R.file_url.cases, (c) => {
    const r = parsePep508(`name @ ${c.url}`);
    return [r.ok && r.requirement.url === c.url, c.url];
  });
  tally('requirement.normalized_str', R.normalized_str.cases, (c) => {
    const r = parsePep508(c.input_req);
    return [r.ok && String(c.norm_req).endsWith(`; ${r.requirement.markerNormalized}`), c.input_req];
  });
  tally('requirement.str_roundtrip', R.str_roundtrip.cases, (s) => [parsePep508(s).ok, s]);
  tally('requirement.misc_valid', R.misc_valid.cases, (c) => {
    const r = parsePep508(c.input);
    if (!r.ok) return [false, c.input];
    const q = r.requirement;
    const checks: boolean[] = [];
    if ('name' in c) checks.push(q.name === c.name);
    if ('extras' in c) checks.push(sameList(sortedSet(q.extras), sortedSet(c.extras)));
    if ('specifier' in c) checks.push(q.specifier === c.specifier);
    if ('url' in c) checks.push(q.url === c.url);
    if ('marker' in c) checks.push(q.marker === c.marker);
    if ('has_marker' in c) checks.push((q.marker !== null) === c.has_marker);
    if ('equals' in c) {
      const other = parsePep508(c.equals);
      checks.push(other.ok && other.requirement.name === q.name && other.requirement.specifier === q.specifier);
    }
    if ('marker_evaluates' in c) checks.push(q.markerAst !== null && evaluateMarker(q.markerAst, host) === c.marker_evaluates);
    return [checks.every(Boolean), JSON.stringify(c.input)];
  });

  const C = vectors.computed_corpus_examples;
  tally('computed.requirements', C.requirements, (c) => {
    const r = parsePep508(c.input);
    if (r.ok !== c.valid) return [false, c.input];
    if (!r.ok) return [r.message === c.error_first_line, c.input];
    const q = r.requirement;
    const got = { name: q.name, extras: sortedSet(q.extras), url: q.url, specifier: q.specifier, marker: q.markerNormalized };
    const want = { name: c.name, extras: sortedSet(c.extras), url: c.url, specifier: c.specifier, marker: c.marker };
    return [JSON.stringify(got) === JSON.stringify(want), c.input];
  });
  const evalRows: Any[] = [];
  for (const c of C.requirements) {
    for (const [envName, expected] of Object.entries(c.marker_eval ?? {})) evalRows.push({ c, envName, expected });
  }
  tally('computed.marker_eval', evalRows, ({ c, envName, expected }) => {
    const r = parsePep508(c.input);
    const env = C.marker_environments[envName];
    return [r.ok && r.requirement.markerAst !== null && evaluateMarker(r.requirement.markerAst, env) === expected, `${c.input} @ ${envName}`];
  });
  tally('computed.version_normalization', C.version_normalization, (c) => [normalizeVersion(c.input) === c.normalized, c.input]);
  tally('computed.contains', C.contains, (c) => [satisfies(c.version, c.specifier, pre(c.prereleases_arg)) === c.contains, `${c.version} in ${c.specifier}`]);
}

const title = present
  ? 'packaging vectors'
  : `packaging vectors (skipped: ${vectorsPath} not found; it comes with the shared/ folder beside the repository)`;

describe.skipIf(!present)(title, () => {
  if (present) runAll();

  it('covers every section the floors name', () => {
    expect([...results.keys()].sort()).toEqual(Object.keys(FLOORS).sort());
  });

  for (const [section, floor] of Object.entries(FLOORS)) {
    it(`${section}: at least ${floor} rows agree, differences only where allowed`, () => {
      const outcome = results.get(section);
      expect(outcome, `section ${section} was not run`).toBeDefined();
      expect(outcome!.agree).toBeGreaterThanOrEqual(floor);
      const unexplained = outcome!.differences.filter((d) => !(d in ALLOWED));
      expect(unexplained).toEqual([]);
    });
  }

  it('prints a summary when PINWISE_VECTORS_SUMMARY is set (figures for packaging-vectors.md)', () => {
    if (!process.env.PINWISE_VECTORS_SUMMARY) return;
    const lines = [...results].map(([section, o]) => `| ${section} | ${o.agree} / ${o.total} |`);
    process.stdout.write(`${lines.join('\n')}\n`);
    for (const o of results.values()) for (const d of o.differences) process.stdout.write(`DIFF ${d}\n`);
  });

  it('agrees on every row overall', () => {
    let agree = 0;
    let total = 0;
    for (const o of results.values()) {
      agree += o.agree;
      total += o.total;
    }
    expect(agree).toBeGreaterThanOrEqual(Object.values(FLOORS).reduce((a, b) => a + b, 0));
    expect(total - agree).toBeLessThanOrEqual(Object.keys(ALLOWED).length);
  });
});
