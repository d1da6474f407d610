// What deprecated-api and the .py hover share: which versions of a library apply to a file, which
// entry a reference hits, and how an entry fares on those versions.
import { lastName, type CompiledEntry, type CompiledLibrary } from '../../kb/deprecations';
import type { PyReference, Requirement } from '../../model';
import type { ScanQuery } from '../../parsers/python-scan';
import type { Environment, TargetPython } from '../../project';
import { compareVersions, filterVersions, pinnedVersion } from '../../versions';

/** The versions of one library the project lets pip install for one file. */
export interface Allowed {
  versions: string[];
  /** How the project says it, for messages: `numpy==1.26.4`, or null when unpinned. */
  described: string | null;
  exact: boolean;
  /** The standard library: the versions are the project's target Python. */
  python?: boolean;
  /** The folder of the project whose pins these are, when it is not the repository's own (a monorepo's package). */
  project?: string;
}


const releaseOf = (version: string): string => version.replace(/\+.*$/, '');
/** `1.24.0` → `1.24` for messages. */
export const short = (version: string): string => version.replace(/^(\d+\.\d+)\.0$/, '$1');

export function allowedVersions(library: CompiledLibrary, environments: Environment[], python: TargetPython | null = null): Allowed {
  const newest = library.versions[library.versions.length - 1]!;
  if (library.distribution === 'python') {
    if (!python) return { versions: [newest], described: null, exact: false, python: true };
    if (python.specifier) {
      const versions = filterVersions(library.versions, python.specifier);
      if (versions.length > 0) return { versions, described: `Python ${python.specifier}`, exact: false, python: true };
    }
    return { versions: [python.version], described: `Python ${python.version}`, exact: true, python: true };
  }
  const versions = new Set<string>();
  const described = new Set<string>();
  let exact = true;
  for (const env of environments) {
    const pins = env.requirements.filter((r) => r.normalizedName === library.distribution && r.url === null);
    const limits = env.constraints.filter((r) => r.normalizedName === library.distribution);
    if (pins.length === 0) continue;
    const all: Requirement[] = [...pins, ...limits];
    const candidates = new Set(library.versions);
    // A pinned release the data does not list is judged too (`1.24` and `1.24.0` are one version).
    for (const r of all) {
      for (const c of r.clauses) {
        const release = releaseOf(c.version);
        if (/^\d+(\.\d+)*$/.test(release) && ![...candidates].some((v) => compareVersions(v, release) === 0)) candidates.add(release);
      }
    }
    let allowed = [...candidates];
    for (const r of all) if (r.specifier) allowed = filterVersions(allowed, r.specifier.replace(/\+[^,]*/g, ''));
    for (const r of all) {
      described.add(`${r.name ?? library.distribution}${r.specifier}`);
      if (!pinnedVersion(r.specifier)) exact = false;
    }
    for (const v of allowed) versions.add(v);
  }
  if (described.size === 0) return { versions: [newest], described: null, exact: false };
  return { versions: [...versions].sort(compareVersions), described: [...described].join(', '), exact };
}

/**
 * What the token scan looks for on behalf of some of a library's entries: the last names of their
 * symbols and their keywords select the places, and a path found there is wanted when an entry
 * would match a reference with it (after factories are replaced, as the rule does).
 */
/** What deprecated-api works with for one library's entries in effect: the scan's query and the entry index. */
export interface EntrySubset {
  query: ScanQuery;
  candidates: (path: string) => readonly CompiledEntry[];
}

/**
 * One subset object per library and set of entries, as long as the knowledge base lives: the
 * editor's analyses (one per keystroke) reuse it, and a file's facts remember the scan's answer per query.
 */
export function entrySubset(library: CompiledLibrary, entries: readonly CompiledEntry[]): EntrySubset {
  let cached = subsets.get(library);
  if (!cached) subsets.set(library, (cached = { positions: new Map(library.entries.map((e, i) => [e, i])), byId: new Map() }));
  const id = entries.map((e) => cached!.positions.get(e)).join(',');
  let subset = cached.byId.get(id);
  if (!subset) cached.byId.set(id, (subset = { query: makeScanQuery(library, entries), candidates: entryCandidates(entries) }));
  return subset;
}

export const scanQuery = (library: CompiledLibrary, entries: readonly CompiledEntry[]): ScanQuery => entrySubset(library, entries).query;

const subsets = new WeakMap<CompiledLibrary, { positions: Map<CompiledEntry, number>; byId: Map<string, EntrySubset> }>();

function makeScanQuery(library: CompiledLibrary, entries: readonly CompiledEntry[]): ScanQuery {
  const names = new Set<string>();
  const keywords = new Set<string>();
  for (const entry of entries) {
    if (entry.kind === 'keyword') keywords.add(entry.keyword!);
    // A symbol ending in a call could end, once factories are replaced, after any name.
    else names.add(entry.symbol.endsWith('()') ? '*' : lastName(entry.symbol));
  }
  const wants = (path: string, keyword?: string): boolean => {
    const canonical = library.canonical(path);
    return entries.some((entry) => {
      if (keyword !== undefined) return entry.kind === 'keyword' && entry.keyword === keyword && entry.matches(canonical);
      if (entry.kind === 'keyword') return false;
      return entry.matches(canonical) || ((entry.kind === 'module' || entry.kind === 'import') && canonical.startsWith(`${entry.symbol}.`));
    });
  };
  return { names: [...names], keywords: [...keywords], wants };
}

/**
 * The entries (of `entries`, in their order) that may cover a reference with this path: those
 * whose symbol is the path, those with a `*`, and modules above it (what an import takes from
 * below a module). matches() still decides; the index only spares asking every entry about every
 * reference (hundreds of entries, hundreds of thousands of references on a large tree).
 */
function entryCandidates(entries: readonly CompiledEntry[]): (path: string) => readonly CompiledEntry[] {
  const exact = new Map<string, number[]>();
  const modules = new Map<string, number[]>();
  const patterns: number[] = [];
  const add = (map: Map<string, number[]>, key: string, i: number): void => {
    const list = map.get(key);
    if (list) list.push(i);
    else map.set(key, [i]);
  };
  entries.forEach((entry, i) => {
    if (entry.symbol.includes('*')) patterns.push(i);
    else add(exact, entry.symbol, i);
    if (entry.kind === 'module' || entry.kind === 'import') add(modules, entry.symbol, i);
  });
  const none: readonly CompiledEntry[] = [];
  return (path) => {
    let found: number[] | undefined = exact.get(path);
    if (patterns.length > 0) found = [...(found ?? []), ...patterns];
    if (modules.size > 0) {
      for (let dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
        const above = modules.get(path.slice(0, dot));
        if (above) found = [...(found ?? []), ...above];
      }
    }
    if (!found) return none;
    return [...new Set(found)].sort((a, b) => a - b).map((i) => entries[i]!);
  };
}

/**
 * Whether an entry covers a reference. `path` is the reference's path with factory calls replaced
 * by their class (CompiledLibrary.canonical).
 */
export function matches(entry: CompiledEntry, ref: PyReference, path = ref.path): boolean {
  switch (entry.kind) {
    case 'keyword':
      return ref.kind === 'keyword' && ref.keyword === entry.keyword && entry.matches(path);
    case 'call':
      return ref.kind === 'call' && entry.matches(path);
    case 'positional':
      return ref.kind === 'call' && (ref.positional?.length ?? 0) > entry.positional! && entry.matches(path);
    case 'required-keyword': {
      if (ref.kind !== 'call' || !ref.keywords || ref.doubleStarred || ref.keywords.includes(entry.keyword!)) return false;
      // The argument may come by position: enough positional arguments (or `*args`) supply it.
      if (entry.position !== undefined && (ref.starred || ref.positional!.length > entry.position)) return false;
      return entry.matches(path);
    }
    case 'module':
    case 'import':
      // The module and what is imported from below it (`import torch._six.x`); names taken from it
      // (`from torch._six import x`) are reached through the module's own reference.
      if (ref.kind !== 'attribute' && ref.kind !== 'import') return false;
      return entry.matches(path) || (ref.kind === 'import' && !!ref.module && path.startsWith(`${entry.symbol}.`));
    default:
      // attribute: the name fails wherever it is reached, by attribute or by import
      return (ref.kind === 'attribute' || ref.kind === 'import') && entry.matches(path);
  }
}

const catchAll = ['*', 'Exception', 'BaseException'];

/** The exceptions a failing use raises: a missing module or name on import, a missing attribute, a bad call. */
function raises(entry: CompiledEntry, ref: PyReference): string[] {
  if (ref.kind === 'import') return ['ImportError', 'ModuleNotFoundError'];
  if (ref.kind === 'attribute' || entry.kind === 'call') return ['AttributeError'];
  return ['TypeError'];
}

/**
 * A use the code already protects: inside a `try` whose `except` catches what the use raises, under
 * a `hasattr` / `getattr` check of the name (or of a module above it), or under a comparison of the
 * library's version (the code then chooses per version).
 */
export function isGuarded(library: CompiledLibrary, entry: CompiledEntry, ref: PyReference, path = ref.path): boolean {
  const guard = ref.guard;
  if (!guard) return false;
  const errors = raises(entry, ref);
  if (guard.caught.some((e) => catchAll.includes(e) || errors.includes(e))) return true;
  const covers = (checked: string) => [ref.path, path].some((p) => p === checked || p.startsWith(`${checked}.`) || p.startsWith(`${checked}(`));
  if (guard.checked.some(covers)) return true;
  return guard.versions.some((v) => v === library.distribution || library.modules.includes(v));
}

export type Verdict = { level: 'error' | 'warning' | 'note'; removedIn: string[]; deprecatedIn: string[] };

export function judge(entry: CompiledEntry, versions: string[]): Verdict | null {
  if (entry.changed) {
    // A behaviour change, not a deprecation: a note wherever an allowed version has the new behaviour.
    const changedIn = versions.filter((v) => compareVersions(v, entry.changed!) >= 0);
    return changedIn.length > 0 ? { level: 'note', removedIn: [], deprecatedIn: changedIn } : null;
  }
  const isRemoved = (v: string): boolean =>
    !!entry.removed && compareVersions(v, entry.removed) >= 0 && !(entry.restored && compareVersions(v, entry.restored) >= 0);
  const isDeprecated = (v: string): boolean =>
    !!entry.deprecated && compareVersions(v, entry.deprecated) >= 0 && !isRemoved(v) && !(entry.restored && compareVersions(v, entry.restored) >= 0);
  const removedIn = versions.filter(isRemoved);
  const deprecatedIn = versions.filter(isDeprecated);
  if (removedIn.length > 0 && removedIn.length === versions.length) return { level: 'error', removedIn, deprecatedIn };
  if (removedIn.length > 0 || deprecatedIn.length > 0) return { level: 'warning', removedIn, deprecatedIn };
  return null;
}
