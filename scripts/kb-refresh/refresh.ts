// The knowledge-base refresh: reads PyTorch's wheel indexes and PyPI's JSON API through a Fetcher
// and works out what rules/torch.yaml, python-support.yaml and requires.yaml are missing: new
// release rows, new variants of known releases, new variant indexes, new release lines and new
// declared requirements. It only adds; what the files say and what upstream says differently is
// listed for a maintainer to judge, never overwritten.
import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import { compareVersions, parseVersion, satisfies } from '../../server/src/engine/versions';
import { simpleAccept, type Fetcher } from './http';
import { dependencyOn, minimumPython, parsePypiProject, parsePypiRelease, type PypiFile, type PypiRelease } from './pypi';
import { parseSimplePage } from './simple-index';
import { parseWheelFilename, type Wheel } from './wheels';
import { blockItem, flowItem, stringAt, YamlFile } from './yaml-edit';

export const torchFamily = ['torch', 'torchvision', 'torchaudio'] as const;
type FamilyPackage = (typeof torchFamily)[number];

export interface RefreshInput {
  /** rules/<name>.yaml texts by name (`torch`, `python-support`, `requires`); missing ones are skipped. */
  files: Record<string, string>;
  fetch: Fetcher;
  /** Where PyPI's JSON API lives. */
  pypi?: string;
  /** Progress lines (a request, a skip). */
  log?: (line: string) => void;
}

export interface RefreshResult {
  /** The new texts of the files that changed. */
  changed: Record<string, string>;
  /** What was added, one line each, for the pull request's description. */
  added: string[];
  /** Where the data and upstream disagree, or what upstream did not say: left for a maintainer. */
  review: string[];
}

interface Built {
  variants: Set<string>;
  cpython: Set<string>;
}

const newest = (versions: Iterable<string>): string | undefined => [...versions].sort(compareVersions).pop();

/**
 * Local tags in the order the data lists them: by family in the order of torch.yaml's `variantNames`
 * (cpu, CUDA, ROCm, XPU), within a family by the version parts its pattern names; unnamed tags last.
 */
export function variantOrderOf(namings: readonly { pattern: string }[]): (a: string, b: string) => number {
  const patterns = namings.map((n) => new RegExp(n.pattern));
  const key = (v: string): [number, number[], string] => {
    const at = patterns.findIndex((p) => p.test(v));
    if (at === -1) return [patterns.length, [], v];
    const groups = patterns[at]!.exec(v)!.groups ?? {};
    return [at, [groups['major'], groups['minor'], groups['patch']].filter((p): p is string => p !== undefined).map(Number), v];
  };
  return (a, b) => {
    const [ka, kb] = [key(a), key(b)];
    if (ka[0] !== kb[0]) return ka[0] - kb[0];
    for (let i = 0; i < Math.max(ka[1].length, kb[1].length); i++) {
      const d = (ka[1][i] ?? -1) - (kb[1][i] ?? -1);
      if (d !== 0) return d;
    }
    return ka[2] < kb[2] ? -1 : ka[2] > kb[2] ? 1 : 0;
  };
}

const minorOrder = (a: string, b: string): number => Number(a.split('.')[1]) - Number(b.split('.')[1]);

export async function refreshKnowledgeBase(input: RefreshInput): Promise<RefreshResult> {
  const result: RefreshResult = { changed: {}, added: [], review: [] };
  const log = input.log ?? (() => {});
  const pypi = (input.pypi ?? 'https://pypi.org').replace(/\/$/, '');
  const releaseCache = new Map<string, PypiRelease | null>();
  const pypiRelease = async (name: string, version: string): Promise<PypiRelease | null> => {
    const key = `${name}==${version}`;
    if (releaseCache.has(key)) return releaseCache.get(key)!;
    const url = `${pypi}/pypi/${name}/${version}/json`;
    log(`GET ${url}`);
    const page = await input.fetch(url, 'application/json');
    const release = page.status === 200 ? parsePypiRelease(page.body) : null;
    if (!release) result.review.push(`PyPI has no ${name} ${version} (${url}: HTTP ${page.status}).`);
    releaseCache.set(key, release);
    return release;
  };

  if (input.files['torch'] !== undefined) {
    const file = new YamlFile(input.files['torch']);
    await refreshTorch(file, input.fetch, pypiRelease, log, result);
    if (file.changed) result.changed['torch'] = file.toString();
  }
  if (input.files['python-support'] !== undefined) {
    const file = new YamlFile(input.files['python-support']);
    await refreshPythonSupport(file, input.fetch, pypi, log, result);
    if (file.changed) result.changed['python-support'] = file.toString();
  }
  if (input.files['requires'] !== undefined) {
    const file = new YamlFile(input.files['requires']);
    await refreshRequires(file, input.fetch, pypi, pypiRelease, log, result);
    if (file.changed) result.changed['requires'] = file.toString();
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// rules/torch.yaml: PyTorch's wheel indexes

async function refreshTorch(
  file: YamlFile,
  fetch: Fetcher,
  pypiRelease: (name: string, version: string) => Promise<PypiRelease | null>,
  log: (line: string) => void,
  result: RefreshResult,
): Promise<void> {
  const data = file.doc.toJS() as {
    indexes?: { stable?: string };
    variantIndexes?: { names: string[] }[];
    variantNames?: { families?: { pattern: string }[] };
    releases?: Record<string, unknown>[];
  };
  const variantOrder = variantOrderOf(data.variantNames?.families ?? []);
  const stable = data.indexes?.stable;
  if (!stable || !stable.endsWith('{variant}')) {
    result.review.push('rules/torch.yaml: indexes.stable is no `…/{variant}` template; PyTorch indexes not read.');
    return;
  }
  const root = stable.slice(0, -'{variant}'.length);
  const known = new Set((data.variantIndexes ?? []).flatMap((v) => v.names));

  // Every variant's wheels of every family package, from the simple pages under each variant index.
  const readPage = async (url: string): Promise<Wheel[] | null> => {
    log(`GET ${url}`);
    const page = await fetch(url, simpleAccept);
    if (page.status === 404) return null;
    if (page.status !== 200) throw new Error(`${url}: HTTP ${page.status}`);
    return parseSimplePage(page).flatMap((f) => (f.yanked ? [] : [parseWheelFilename(f.filename)].filter((w): w is Wheel => w !== null)));
  };
  // The package pages at the root list every variant's wheels: they name variants the data does not know yet.
  const variants = new Set(known);
  for (const pkg of torchFamily) for (const w of (await readPage(`${root}${pkg}/`)) ?? []) if (w.local) variants.add(w.local);
  const built = new Map<FamilyPackage, Map<string, Built>>(torchFamily.map((p) => [p, new Map()]));
  const served = new Set<string>();
  for (const variant of [...variants].sort(variantOrder)) {
    for (const pkg of torchFamily) {
      const wheels = await readPage(`${root}${variant}/${pkg}/`);
      if (wheels === null) continue;
      served.add(variant);
      for (const wheel of wheels) {
        if (wheel.prerelease || wheel.name !== pkg) continue;
        const byVersion = built.get(pkg)!;
        const entry = byVersion.get(wheel.version) ?? { variants: new Set<string>(), cpython: new Set<string>() };
        if (wheel.local) entry.variants.add(wheel.local);
        for (const minor of wheel.cpython) entry.cpython.add(minor);
        byVersion.set(wheel.version, entry);
      }
    }
  }

  // Variant indexes the data does not list.
  const variantIndexes = file.seq(['variantIndexes']);
  for (const variant of [...served].filter((v) => !known.has(v)).sort(variantOrder)) {
    if (!variantIndexes) break;
    const source = `${root}${variant}/torch/`;
    file.insertItem(variantIndexes, (indent) => blockItem(indent, [['names', [variant]], ['source', source]]));
    result.added.push(`torch.yaml: variant index ${variant} (${source})`);
  }

  // Variants of known releases.
  const releases = file.seq(['releases']);
  if (!releases) return;
  const rows = releases.items.filter(isMap) as YAMLMap[];
  for (const row of rows) {
    for (const pkg of torchFamily) {
      const version = stringAt(row, pkg);
      const seen = version ? built.get(pkg)!.get(version) : undefined;
      if (!seen || pkg !== 'torch') continue;
      const list = row.get('variants', true);
      if (!isSeq(list)) continue;
      const listed = new Set(list.items.map((i) => String((i as { value?: unknown }).value ?? i)));
      for (const variant of [...seen.variants].filter((v) => !listed.has(v)).sort(variantOrder)) {
        file.appendToFlowList(list, variant);
        result.added.push(`torch.yaml: torch ${version} +${variant}`);
      }
    }
  }

  // New releases: torch versions the index serves and the data has no row for.
  const rowVersions = new Set(rows.map((r) => stringAt(r, 'torch')).filter((v): v is string => !!v));
  const newTorch = [...built.get('torch')!.keys()].filter((v) => ![...rowVersions].some((r) => compareVersions(r, v) === 0)).sort(compareVersions);
  if (newTorch.length === 0) return;
  // torchvision / torchaudio releases declare the torch they need (`torch==2.3.1`) in their metadata on PyPI.
  const pairs = new Map<string, Partial<Record<FamilyPackage, string>>>();
  const knownOf = (pkg: FamilyPackage) => new Set(rows.map((r) => stringAt(r, pkg)).filter((v): v is string => !!v));
  for (const pkg of ['torchvision', 'torchaudio'] as const) {
    const rowsHave = knownOf(pkg);
    for (const version of [...built.get(pkg)!.keys()].filter((v) => !rowsHave.has(v)).sort(compareVersions)) {
      const release = await pypiRelease(pkg, version);
      if (!release) continue;
      for (const dep of dependencyOn(release, 'torch')) {
        const exact = /^===?([^,]+)$/.exec(dep.specifier);
        if (!exact) {
          result.review.push(`${pkg} ${version} declares torch${dep.specifier} (not one release): pair it by hand.`);
          continue;
        }
        const torch = exact[1]!;
        pairs.set(torch, { ...pairs.get(torch), [pkg]: version });
      }
    }
  }
  for (const torch of newTorch) {
    const seen = built.get('torch')!.get(torch)!;
    const paired = pairs.get(torch) ?? {};
    const minors = [...seen.cpython].sort(minorOrder);
    if (minors.length === 0 || seen.variants.size === 0) {
      result.review.push(`torch ${torch}: the index shows no CPython wheels or no variants; no row added.`);
      continue;
    }
    for (const pkg of ['torchvision', 'torchaudio'] as const) {
      if (!paired[pkg]) result.review.push(`torch ${torch}: no ${pkg} release on the index declares torch==${torch}; fill in its ${pkg} by hand.`);
    }
    const source = `https://pypi.org/project/torch/${torch}/`;
    const render = (indent: string) =>
      blockItem(indent, [
        ['torch', torch],
        ['torchvision', paired.torchvision],
        ['torchaudio', paired.torchaudio],
        ['python', { min: minors[0]!, max: minors[minors.length - 1]! }],
        ['variants', [...seen.variants].sort(variantOrder)],
        ['source', source],
        ['pythonSource', source],
        ['variantSource', `${root}torch/`],
      ]);
    // Rows stay in version order.
    const next = rows.find((r) => compareVersions(stringAt(r, 'torch') ?? '0', torch) > 0);
    if (next) file.insertItemBefore(next as unknown as Node, render);
    else file.insertItem(releases, render);
    result.added.push(`torch.yaml: release row torch ${torch} (torchvision ${paired.torchvision ?? '?'}, torchaudio ${paired.torchaudio ?? '?'}, Python ${minors[0]}–${minors[minors.length - 1]}, ${seen.variants.size} variants)`);
  }
}

// ---------------------------------------------------------------------------------------------
// rules/python-support.yaml: CPython wheels per release line, from PyPI

/** The minor line of a release (`2.4.1` → `2.4`). */
const lineOf = (version: string): string | null => {
  const v = parseVersion(version);
  return v && !v.isPrerelease && v.release.length >= 2 ? `${v.release[0]}.${v.release[1]}` : null;
};

/** The CPython minors a release has wheels for (cpXY tags), or null when it has none (pure or abi3 wheels only). */
function wheelMinors(files: PypiFile[]): string[] | null {
  const minors = new Set<string>();
  for (const f of files) {
    if (f.yanked || f.packagetype !== 'bdist_wheel') continue;
    for (const m of parseWheelFilename(f.filename)?.cpython ?? []) minors.add(m);
  }
  return minors.size > 0 ? [...minors].sort(minorOrder) : null;
}

async function refreshPythonSupport(file: YamlFile, fetch: Fetcher, pypi: string, log: (line: string) => void, result: RefreshResult): Promise<void> {
  const packages = file.seq(['packages']);
  if (!packages) return;
  for (const pkg of packages.items.filter(isMap) as YAMLMap[]) {
    const name = stringAt(pkg, 'name');
    const lines = pkg.get('releases', true);
    if (!name || !isSeq(lines)) continue;
    const covered = (lines.items.filter(isMap) as YAMLMap[]).map((l) => stringAt(l, 'versions') ?? '');
    const url = `${pypi}/pypi/${name}/json`;
    log(`GET ${url}`);
    const page = await fetch(url, 'application/json');
    if (page.status !== 200) {
      result.review.push(`python-support ${name}: ${url} gave HTTP ${page.status}.`);
      continue;
    }
    const project = parsePypiProject(page.body);
    // Final releases by minor line, for the lines newer than every line the data has.
    const byLine = new Map<string, string[]>();
    for (const [version, files] of project.releases) {
      const line = lineOf(version);
      if (!line || files.length === 0 || files.every((f) => f.yanked)) continue;
      byLine.set(line, [...(byLine.get(line) ?? []), version]);
    }
    const newestCovered = newest(covered.flatMap((spec) => [...byLine.values()].flat().filter((v) => satisfiesSafe(v, spec))));
    for (const line of [...byLine.keys()].sort(compareVersions)) {
      const versions = byLine.get(line)!.sort(compareVersions);
      if (versions.some((v) => covered.some((spec) => satisfiesSafe(v, spec)))) continue;
      if (newestCovered && compareVersions(versions[0]!, newestCovered) < 0) continue;
      // A line's range is what every release in it has wheels for.
      const perRelease = versions.map((v) => wheelMinors(project.releases.get(v)!));
      if (perRelease.some((m) => m === null)) {
        result.review.push(`python-support ${name} ${line}: some releases have no CPython-specific wheels; add the line by hand.`);
        continue;
      }
      const min = perRelease.map((m) => m![0]!).sort(minorOrder).pop()!;
      const max = perRelease.map((m) => m![m!.length - 1]!).sort(minorOrder)[0]!;
      const declared = minimumPython(project.releases.get(versions[versions.length - 1]!)!.find((f) => f.requiresPython)?.requiresPython ?? null);
      if (declared && declared !== min) result.review.push(`python-support ${name} ${line}: requires_python says ${declared}+, the wheels start at ${min}.`);
      const [major, minor] = line.split('.').map(Number);
      const versionsSpec = `>=${line}.0,<${major}.${minor! + 1}`;
      const source = `https://pypi.org/project/${name}/${versions[versions.length - 1]}/#files`;
      file.insertItem(lines, (indent) => flowItem(indent, [['versions', versionsSpec], ['python', { min, max }], ['source', source]]));
      result.added.push(`python-support.yaml: ${name} ${versionsSpec} on Python ${min}–${max} (${versions.length} releases)`);
    }
  }
}

function satisfiesSafe(version: string, specifier: string): boolean {
  try {
    return satisfies(version, specifier);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// rules/requires.yaml: Requires-Dist of the newest release of each package the data covers

async function refreshRequires(
  file: YamlFile,
  fetch: Fetcher,
  pypi: string,
  pypiRelease: (name: string, version: string) => Promise<PypiRelease | null>,
  log: (line: string) => void,
  result: RefreshResult,
): Promise<void> {
  const list = file.seq(['requirements']);
  if (!list) return;
  const entries = list.items.filter(isMap) as YAMLMap[];
  const latest = new Map<string, string | null>();
  // Exact entries are checked against the release's own metadata.
  for (const entry of entries) {
    const [pkg, versions, requires, specifier] = ['package', 'versions', 'requires', 'specifier'].map((k) => stringAt(entry, k));
    const exact = versions ? /^==([^,*]+)$/.exec(versions) : null;
    if (!pkg || !requires || !specifier || !exact) continue;
    const release = await pypiRelease(pkg, exact[1]!);
    if (!release) continue;
    const declared = dependencyOn(release, requires);
    if (declared.length === 0) result.review.push(`requires ${pkg} ${exact[1]}: its Requires-Dist declares no ${requires} (the data says ${requires}${specifier}).`);
    else if (!declared.some((d) => sameSpecifier(d.specifier, specifier))) {
      result.review.push(`requires ${pkg} ${exact[1]}: its Requires-Dist says ${declared.map((d) => `${requires}${d.specifier}${d.marker ? `; ${d.marker}` : ''}`).join(' / ')}, the data says ${requires}${specifier}.`);
    }
  }
  // The newest release of each package, when no entry covers it.
  const pairs = new Map<string, YAMLMap>();
  for (const entry of entries) {
    const pkg = stringAt(entry, 'package');
    const requires = stringAt(entry, 'requires');
    if (pkg && requires) pairs.set(`${pkg}\0${requires}`, entry);
  }
  for (const [key, last] of pairs) {
    const [pkg, requires] = key.split('\0') as [string, string];
    if (!latest.has(pkg)) {
      const url = `${pypi}/pypi/${pkg}/json`;
      log(`GET ${url}`);
      const page = await fetch(url, 'application/json');
      latest.set(pkg, page.status === 200 ? parsePypiProject(page.body).latest : null);
    }
    const version = latest.get(pkg);
    if (!version) continue;
    const coveredBy = entries.filter((e) => stringAt(e, 'package') === pkg && stringAt(e, 'requires') === requires && satisfiesSafe(version, stringAt(e, 'versions') ?? ''));
    if (coveredBy.length > 0) continue;
    const release = await pypiRelease(pkg, version);
    if (!release) continue;
    for (const dep of dependencyOn(release, requires)) {
      if (dep.specifier === '') continue;
      const source = `https://pypi.org/project/${pkg}/${version}/`;
      // Which builds declare it is not in the metadata: the previous entry's local_tags carry over, for review.
      const localTags = (last.toJS(file.doc) as { local_tags?: string[] }).local_tags;
      if (localTags) result.review.push(`requires ${pkg} ${version}: local_tags [${localTags.join(', ')}] copied from the previous ${pkg} -> ${requires} entry; check it.`);
      file.insertItem(list, (indent) =>
        blockItem(indent, [
          ['package', pkg],
          ['versions', `==${version}`],
          ['requires', requires],
          ['specifier', dep.specifier],
          ['marker', dep.marker ?? undefined],
          ['local_tags', localTags],
          ['source', source],
        ]),
      last as unknown as Node);
      result.added.push(`requires.yaml: ${pkg} ${version} requires ${requires}${dep.specifier}${dep.marker ? ` ; ${dep.marker}` : ''}`);
    }
  }
}

function sameSpecifier(a: string, b: string): boolean {
  const clauses = (s: string) => s.split(',').map((c) => c.trim().replace(/\s+/g, '')).filter((c) => c !== '').sort().join(',');
  return clauses(a) === clauses(b);
}
