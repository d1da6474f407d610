// Installed environments (a virtualenv, a conda environment, a site-packages folder) as the host
// read them: each distribution's metadata text, its RECORD paths and its environment's Python.
// Parsed here, without I/O: `Name`, `Version`, `Requires-Dist` and `Requires-Python` with spans, so
// findings point at the metadata line concerned. Never throws.
import { pushAll } from './arrays';
import { evaluateMarker, markerEnvironment, parseMarker, type MarkerEnvironment, type MarkerPlatform } from './markers';
import type { Requirement, Span } from './model';
import { normalizeName, parsePep508, type Pep508Requirement } from './parsers/pep508';
import { blankRequirement } from './model';
import type { Environment, Project } from './project';
import { parseVersion } from './versions';

/** One distribution's files, as read by the host (paths as the engine names files). */
export interface InstalledDistributionInput {
  /** `METADATA` of a `.dist-info`, or `PKG-INFO` of an `.egg-info`. */
  metadataFile: string;
  metadataText: string;
  /** An `.egg-info`'s `requires.txt` (its dependencies are not in PKG-INFO). */
  requiresFile?: string;
  requiresText?: string;
  /** RECORD's paths, relative to site-packages; null when there is no RECORD. */
  record: string[] | null;
  /** INSTALLER's first line (`pip`, `uv`, `conda`), null when absent. */
  installer: string | null;
}

export interface InstalledEnvironmentInput {
  /** How messages name it: `.venv`, or the DIR given to `--env`. */
  label: string;
  /** `X.Y` or `X.Y.Z`, from pyvenv.cfg, conda-meta or the lib/pythonX.Y folder; null when unknown. */
  python: string | null;
  /** The platform the environment lives on (the host's), for markers. */
  platform: MarkerPlatform;
  machine: string;
  distributions: InstalledDistributionInput[];
  /** What the host could not read (a dist-info without METADATA, an unreadable RECORD). */
  problems: { file: string; message: string }[];
}

/** A dependency an installed distribution declares, located in its metadata. */
export interface InstalledDependency {
  requirement: Pep508Requirement;
  /** The value as written (`huggingface-hub<1.0,>=0.23.0; python_version >= "3.8"`). */
  text: string;
  file: string;
  span: Span;
  /** From a requires.txt section (`[:sys_platform == "win32"]`, `[extra]`): that section's marker. */
  sectionMarker: string | null;
  /** requires.txt `[extra]` sections: only installed with that extra. */
  extra: string | null;
}

export interface InstalledDistribution {
  file: string;
  name: string;
  normalizedName: string;
  version: string;
  /** The pin this distribution amounts to (`name==version`), located at its Name and Version lines. */
  pin: Requirement;
  versionSpan: Span;
  nameSpan: Span;
  dependencies: InstalledDependency[];
  requiresPython: string | null;
  record: string[] | null;
  installer: string | null;
}

export interface InstalledEnvironment {
  label: string;
  python: string | null;
  /** The PEP 508 variables markers are evaluated with (`extra` empty, as pip check does). */
  markers: Partial<MarkerEnvironment>;
  distributions: InstalledDistribution[];
  /** Unreadable or malformed metadata: reported, never fatal. */
  problems: { file: string; span: Span; message: string }[];
}

interface Header {
  name: string;
  value: string;
  valueSpan: Span;
}

/** The header fields of an email-style metadata file (up to the first blank line), with value spans. */
function readHeaders(text: string): Header[] {
  const headers: Header[] = [];
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end).replace(/\r$/, '');
    if (line.trim() === '') break;
    const colon = line.indexOf(':');
    if (colon > 0 && !/^\s/.test(line)) {
      const raw = line.slice(colon + 1);
      const lead = raw.length - raw.trimStart().length;
      const value = raw.trim();
      const start = at + colon + 1 + lead;
      headers.push({ name: line.slice(0, colon).trim().toLowerCase(), value, valueSpan: { start, end: start + value.length } });
    }
    at = end + 1;
  }
  return headers;
}

/** requires.txt: requirement lines under `[extra]`, `[:marker]` or `[extra:marker]` sections. */
function readRequiresTxt(file: string, text: string): InstalledDependency[] {
  const out: InstalledDependency[] = [];
  let extra: string | null = null;
  let sectionMarker: string | null = null;
  let at = 0;
  while (at <= text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end).replace(/\r$/, '');
    const trimmed = line.trim();
    const lead = line.length - line.trimStart().length;
    if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
      const section = trimmed.slice(1, -1);
      const colon = section.indexOf(':');
      extra = (colon < 0 ? section : section.slice(0, colon)).trim() || null;
      sectionMarker = colon < 0 ? null : section.slice(colon + 1).trim() || null;
    } else if (trimmed !== '' && !trimmed.startsWith('#')) {
      const parsed = parsePep508(trimmed, at + lead);
      if (parsed.ok) out.push({ requirement: parsed.requirement, text: trimmed, file, span: { start: at + lead, end: at + lead + trimmed.length }, sectionMarker, extra });
    }
    if (end >= text.length) break;
    at = end + 1;
  }
  return out;
}

function readDistribution(input: InstalledDistributionInput, problems: InstalledEnvironment['problems']): InstalledDistribution | null {
  const headers = readHeaders(input.metadataText);
  const field = (name: string) => headers.find((h) => h.name === name);
  const name = field('name');
  const version = field('version');
  const whole = { start: 0, end: Math.min(input.metadataText.length, input.metadataText.indexOf('\n') < 0 ? input.metadataText.length : input.metadataText.indexOf('\n')) };
  if (!name || name.value === '') {
    problems.push({ file: input.metadataFile, span: whole, message: 'This metadata file has no `Name:` field; the distribution is not checked.' });
    return null;
  }
  if (!version || !parseVersion(version.value)) {
    problems.push({
      file: input.metadataFile,
      span: version?.valueSpan ?? name.valueSpan,
      message: version ? `\`${version.value}\` is not a PEP 440 version; ${name.value} is not checked.` : `This metadata file has no \`Version:\` field; ${name.value} is not checked.`,
    });
    return null;
  }
  const dependencies: InstalledDependency[] = [];
  for (const header of headers) {
    if (header.name !== 'requires-dist') continue;
    const parsed = parsePep508(header.value, header.valueSpan.start);
    if (parsed.ok) dependencies.push({ requirement: parsed.requirement, text: header.value, file: input.metadataFile, span: header.valueSpan, sectionMarker: null, extra: null });
    else problems.push({ file: input.metadataFile, span: header.valueSpan, message: `\`Requires-Dist: ${header.value}\` is not a PEP 508 requirement (${parsed.message}); it is not checked.` });
  }
  if (input.requiresFile && input.requiresText !== undefined) pushAll(dependencies, readRequiresTxt(input.requiresFile, input.requiresText));
  const span = { start: Math.min(name.valueSpan.start, version.valueSpan.start), end: Math.max(name.valueSpan.end, version.valueSpan.end) };
  const pin: Requirement = {
    ...blankRequirement({ file: input.metadataFile, line: 1, span, origin: { section: 'installed' } }),
    name: name.value,
    nameSpan: name.valueSpan,
    normalizedName: normalizeName(name.value),
    specifier: `==${version.value}`,
    specifierSpan: version.valueSpan,
    clauses: [{ operator: '==', version: version.value, span: version.valueSpan, versionSpan: version.valueSpan }],
  };
  return {
    file: input.metadataFile,
    name: name.value,
    normalizedName: normalizeName(name.value),
    version: version.value,
    pin,
    nameSpan: name.valueSpan,
    versionSpan: version.valueSpan,
    dependencies,
    requiresPython: field('requires-python')?.value || null,
    record: input.record,
    installer: input.installer,
  };
}

/** Reads an environment's distributions; the first of two with one name wins, as Python's import does. */
export function readInstalledEnvironment(input: InstalledEnvironmentInput, fallbackPython?: string): InstalledEnvironment {
  const python = input.python ?? fallbackPython ?? null;
  const problems: InstalledEnvironment['problems'] = input.problems.map((p) => ({ file: p.file, span: { start: 0, end: 0 }, message: p.message }));
  const distributions: InstalledDistribution[] = [];
  const seen = new Set<string>();
  for (const item of input.distributions) {
    const dist = readDistribution(item, problems);
    if (!dist || seen.has(dist.normalizedName)) continue;
    seen.add(dist.normalizedName);
    distributions.push(dist);
  }
  const markers: Partial<MarkerEnvironment> = {
    ...markerEnvironment({ ...(python ? { python } : {}), platform: input.platform, machine: input.machine }),
    extra: '',
  };
  return { label: input.label, python: python ? python.split('.').slice(0, 2).join('.') : null, markers, distributions, problems };
}

/**
 * Whether pip counts this dependency for the environment, as `pip check` does: extras are not
 * installed (`extra` is empty), every other marker is evaluated; null when a marker needs a
 * variable the environment does not know (its Python version, say).
 */
export function dependencyApplies(dep: InstalledDependency, env: InstalledEnvironment): boolean | null {
  if (dep.extra !== null) return false;
  let unknown = false;
  const markers = [dep.requirement.markerAst];
  if (dep.sectionMarker) {
    const parsed = parseMarker(dep.sectionMarker);
    if (!parsed.ok) return null;
    markers.push(parsed.marker);
  }
  for (const marker of markers) {
    if (!marker) continue;
    const value = evaluateMarker(marker, env.markers);
    if (value === false) return false;
    if (value === null) unknown = true;
  }
  return unknown ? null : true;
}

/**
 * Adds each installed environment to the project: an environment whose pins are what is installed
 * (`name==version` at the metadata's Name and Version lines), and its metadata texts as sources so
 * findings can be located and suppressed there.
 */
export function addInstalledEnvironments(project: Project, inputs: readonly InstalledEnvironmentInput[], fallbackPython?: string): void {
  for (const input of inputs) {
    // A bare site-packages folder does not say its Python: the target Python (--python) stands in.
    const installed = readInstalledEnvironment(input, fallbackPython);
    project.installed.push(installed);
    for (const dist of input.distributions) {
      project.sources.set(dist.metadataFile, { path: dist.metadataFile, text: dist.metadataText });
      if (dist.requiresFile && dist.requiresText !== undefined) project.sources.set(dist.requiresFile, { path: dist.requiresFile, text: dist.requiresText });
    }
    project.environments.push({
      id: `installed:${installed.label}`,
      label: installed.label,
      rootFile: installed.distributions[0]?.file ?? installed.label,
      files: installed.distributions.map((d) => d.file),
      requirements: installed.distributions.map((d) => d.pin),
      constraints: [],
      options: [],
      installed,
    });
  }
}

/** The environments files declare (installed ones left out): for rules about what a file says. */
export function declaredEnvironments(project: Project): Environment[] {
  return project.environments.filter((env) => !env.installed);
}
