// Typed view over rules/torch.yaml (schema-checked by the host before it gets here).
import { compareVersions, satisfies } from '../versions';
import type { KnowledgeBase } from './types';

export type TorchFamilyPackage = 'torch' | 'torchvision' | 'torchaudio';
export const torchFamily: readonly TorchFamilyPackage[] = ['torch', 'torchvision', 'torchaudio'];

export interface TorchRelease {
  torch: string;
  torchvision: string;
  /** Absent once torchaudio stopped moving in lockstep with torch (see `stableAbi`). */
  torchaudio?: string;
  /** CPython minors with wheels, inclusive; `experimental` as RELEASE.md marks them. */
  python: { min: string; max: string; experimental?: string[] };
  /** Local tags published for this release. */
  variants: string[];
  source: string;
  pythonSource: string;
  variantSource?: string;
}

export interface TorchIndexConventions {
  host: string;
  stable: string;
  nightly: string;
  /** The release-candidate channel's template, and where it is documented. */
  test: string;
  testSource: string;
  legacyFindLinks: { url: string; servesAllVariants: boolean; source: string }[];
  source: string;
  /** PyPI's simple index URLs: an index among them serves no local-tag wheels. */
  pypi: { url: string; source: string }[];
}

/** A PyTorch variant family: the accelerator families and Intel's `xpu`. */
export type VariantFamily = 'cpu' | 'cuda' | 'rocm' | 'xpu';

/** How variant names of one family are written (rules/torch.yaml `variantNames`). */
export interface VariantNaming {
  family: VariantFamily;
  /** Over the whole name; named groups `major`, `minor`, `patch` are the accelerator version's parts. */
  pattern: string;
  /** `cu{major}{minor}`, `rocm{version}`: the variant of an accelerator version. */
  name?: string;
}

/** A package line built against PyTorch's stable ABI: from `from` on, it installs with every torch `torch` allows. */
export interface StableAbiLine {
  package: Exclude<TorchFamilyPackage, 'torch'>;
  from: string;
  torch: string;
  releases: string[];
  source: string;
  releasesSource?: string;
  /** From this release on, a CUDA build of the same CUDA major as torch's loads beside it. */
  sameCudaMajorFrom?: string;
  note?: string;
}

/** A variant family whose per-release lists are complete only from `fromTorch` on. */
export interface VariantCoverage {
  family: VariantFamily;
  fromTorch: string;
  note: string;
  source?: string;
}

export interface TorchKnowledge {
  indexes: TorchIndexConventions;
  variantIndexes: { names: string[]; channel?: 'nightly'; source: string }[];
  variantNames: { families: VariantNaming[]; source: string };
  variantCoverage?: VariantCoverage[];
  stableAbi?: StableAbiLine[];
  releases: TorchRelease[];
}

const cache = new WeakMap<object, TorchView | null>();

/** The typed PyTorch knowledge, or null when the knowledge base has no `torch` document. */
export function torchKnowledge(kb: KnowledgeBase): TorchView | null {
  const doc = kb.documents['torch'];
  if (!doc || typeof doc !== 'object') return null;
  if (cache.has(doc)) return cache.get(doc)!;
  const data = doc as Partial<TorchKnowledge>;
  const view = Array.isArray(data.releases) && data.indexes && Array.isArray(data.variantIndexes) && data.variantNames ? new TorchView(data as TorchKnowledge) : null;
  cache.set(doc, view);
  return view;
}

/** Accessors the rules and the hover share. Every query is total: unknown input gives empty answers. */
export class TorchView {
  readonly releases: readonly TorchRelease[];
  readonly indexes: TorchIndexConventions;
  readonly stableAbi: readonly StableAbiLine[];
  private readonly knownIndexVariants: Set<string>;
  private readonly nightlyIndexVariants: Set<string>;
  private readonly newest = new Map<TorchFamilyPackage, string>();
  private readonly namings: { family: VariantFamily; pattern: RegExp; name?: string }[];
  private readonly pypiIndexes: Set<string>;

  constructor(readonly data: TorchKnowledge) {
    // Newest first, so "the matching versions" read naturally and the first match is the newest.
    this.releases = [...data.releases].sort((a, b) => safeCompare(b.torch, a.torch));
    this.indexes = data.indexes;
    this.stableAbi = data.stableAbi ?? [];
    this.knownIndexVariants = new Set(data.variantIndexes.filter((v) => v.channel !== 'nightly').flatMap((v) => v.names));
    this.nightlyIndexVariants = new Set(data.variantIndexes.flatMap((v) => v.names));
    this.namings = data.variantNames.families.flatMap((n) => {
      const pattern = compilePattern(n.pattern);
      return pattern ? [{ family: n.family, pattern, ...(n.name ? { name: n.name } : {}) }] : [];
    });
    this.pypiIndexes = new Set(data.indexes.pypi.map((p) => normalizeIndexUrl(p.url)));
    for (const pkg of torchFamily) {
      const versions = [...this.releases.map((r) => r[pkg]), ...this.stableAbi.filter((l) => l.package === pkg).flatMap((l) => l.releases)];
      const top = versions.filter((v): v is string => !!v).sort(safeCompare).pop();
      if (top) this.newest.set(pkg, top);
    }
  }

  /** The version of `pkg` in a release row (undefined: the row has none, e.g. torchaudio after 2.11). */
  versionOf(release: TorchRelease, pkg: TorchFamilyPackage): string | undefined {
    return release[pkg];
  }

  /** Rows whose `pkg` version satisfies a public (local-tag-free) specifier; '' matches every row with `pkg`. */
  releasesMatching(pkg: TorchFamilyPackage, specifier: string): TorchRelease[] {
    return this.releases.filter((r) => {
      const version = r[pkg];
      return version !== undefined && (specifier === '' || safeSatisfies(version, specifier));
    });
  }

  /** The row a `pkg` version belongs to (exact public version), or undefined. */
  releaseOf(pkg: TorchFamilyPackage, version: string): TorchRelease | undefined {
    return this.releases.find((r) => r[pkg] !== undefined && safeCompare(r[pkg]!, version) === 0);
  }

  /** The stable-ABI line a `pkg` version belongs to (torchaudio 2.11.1 → torch >=2.11), or undefined. */
  stableAbiLineOf(pkg: TorchFamilyPackage, version: string): StableAbiLine | undefined {
    return this.stableAbi.find((l) => l.package === pkg && safeCompare(version, l.from) >= 0);
  }

  /** Known versions of a stable-ABI line of `pkg` that satisfy a public specifier ('' matches all). */
  stableAbiReleasesMatching(pkg: TorchFamilyPackage, specifier: string): { version: string; line: StableAbiLine }[] {
    return this.stableAbi
      .filter((l) => l.package === pkg)
      .flatMap((line) => line.releases.map((version) => ({ version, line })))
      .filter((r) => specifier === '' || safeSatisfies(r.version, specifier));
  }

  /** The newest `pkg` version the data knows (row or stable-ABI line). */
  newestKnown(pkg: TorchFamilyPackage): string | undefined {
    return this.newest.get(pkg);
  }

  /** Whether `version` of `pkg` is newer than every version the data knows. */
  isBeyondKnowledge(pkg: TorchFamilyPackage, version: string): boolean {
    const newest = this.newest.get(pkg);
    return newest !== undefined && safeCompare(version, newest) > 0;
  }

  /**
   * Whether a row's `variants` list speaks for a variant family: false for a family listed only
   * from a later release on (`variantCoverage`), whose tags are then checked against the index list.
   */
  rowCoversFamily(release: TorchRelease, family: string): boolean {
    const coverage = (this.data.variantCoverage ?? []).find((c) => c.family === family);
    return !coverage || safeCompare(release.torch, coverage.fromTorch) >= 0;
  }

  /** Whether PyTorch ever served `https://download.pytorch.org/whl/<variant>` (with `nightly`, `/whl/nightly/<variant>`). */
  isKnownIndexVariant(variant: string, nightly = false): boolean {
    return (nightly ? this.nightlyIndexVariants : this.knownIndexVariants).has(variant);
  }

  /** Stable index variants (with `nightly`, every variant some index served). */
  indexVariants(nightly = false): string[] {
    return [...(nightly ? this.nightlyIndexVariants : this.knownIndexVariants)];
  }

  /** The family a variant name belongs to (`cu121` → cuda, `rocm6.2.4` → rocm), or null for a name no family's pattern matches. */
  variantFamily(variant: string): VariantFamily | null {
    return this.namings.find((n) => n.pattern.test(variant))?.family ?? null;
  }

  /** The families the data names variants of, in its order. */
  variantFamilies(): VariantFamily[] {
    return [...new Set(this.namings.map((n) => n.family))];
  }

  /** The accelerator version parts a variant name carries (`cu121` → [12, 1], `rocm6.2.4` → [6, 2, 4]); [] for none. */
  variantVersion(variant: string): number[] {
    for (const naming of this.namings) {
      const groups = naming.pattern.exec(variant)?.groups;
      if (!groups) continue;
      return [groups['major'], groups['minor'], groups['patch']].filter((p): p is string => p !== undefined).map(Number);
    }
    return [];
  }

  /** The variant name of an accelerator version (CUDA 12.1 → `cu121`, ROCm 6.0 → `rocm6.0`), or null when the data names none. */
  variantNameOf(family: VariantFamily, version: string): string | null {
    const naming = this.namings.find((n) => n.family === family && n.name);
    const [major, minor] = version.split('.');
    if (!naming?.name || major === undefined || minor === undefined) return null;
    const name = naming.name.replace('{major}', major).replace('{minor}', minor).replace('{version}', version);
    // A name its family's pattern does not read back is no variant name.
    return this.variantFamily(name) === family ? name : null;
  }

  /** Whether an index URL is PyPI's simple index (which serves no local-tag wheels). */
  isPypiIndex(url: string): boolean {
    return this.pypiIndexes.has(normalizeIndexUrl(url));
  }

  /** The stable index URL of a variant, or the nightly one (`/whl/nightly/<variant>`). */
  indexUrl(variant: string, nightly = false): string {
    return (nightly ? this.indexes.nightly : this.indexes.stable).replace('{variant}', variant);
  }
}

function compilePattern(source: string): RegExp | null {
  try {
    return new RegExp(source);
  } catch {
    return null;
  }
}

/** Scheme and host case-folded, trailing slashes dropped: how two spellings of one index compare. */
function normalizeIndexUrl(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(trimmed);
  return scheme ? scheme[0].toLowerCase().replace(/^http:/, 'https:') + trimmed.slice(scheme[0].length) : trimmed;
}

export function safeSatisfies(version: string, specifier: string): boolean {
  try {
    return satisfies(version, specifier);
  } catch {
    return false;
  }
}

export function safeCompare(a: string, b: string): number {
  try {
    return compareVersions(a, b);
  } catch {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}
