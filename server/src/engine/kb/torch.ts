// Typed view over rules/torch.yaml (schema-checked by the host before it gets here).
import { compareVersions, satisfies } from '../versions';
import type { KnowledgeBase } from './types';

export type TorchFamilyPackage = 'torch' | 'torchvision' | 'torchaudio';
export const torchFamily: readonly TorchFamilyPackage[] = ['torch', 'torchvision', 'torchaudio'];

export interface TorchRelease {
  torch: string;
  torchvision: string;
  torchaudio: string;
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
  legacyFindLinks: { url: string; servesAllVariants: boolean; source: string }[];
  source: string;
}

export interface TorchKnowledge {
  indexes: TorchIndexConventions;
  variantIndexes: { names: string[]; source: string }[];
  releases: TorchRelease[];
}

const cache = new WeakMap<object, TorchView | null>();

/** The typed PyTorch knowledge, or null when the knowledge base has no `torch` document. */
export function torchKnowledge(kb: KnowledgeBase): TorchView | null {
  const doc = kb.documents['torch'];
  if (!doc || typeof doc !== 'object') return null;
  if (cache.has(doc)) return cache.get(doc)!;
  const data = doc as Partial<TorchKnowledge>;
  const view = Array.isArray(data.releases) && data.indexes && Array.isArray(data.variantIndexes) ? new TorchView(data as TorchKnowledge) : null;
  cache.set(doc, view);
  return view;
}

/** Accessors the rules and the hover share. Every query is total: unknown input gives empty answers. */
export class TorchView {
  readonly releases: readonly TorchRelease[];
  readonly indexes: TorchIndexConventions;
  private readonly knownIndexVariants: Set<string>;

  constructor(readonly data: TorchKnowledge) {
    // Newest first, so "the matching versions" read naturally and the first match is the newest.
    this.releases = [...data.releases].sort((a, b) => safeCompare(b.torch, a.torch));
    this.indexes = data.indexes;
    this.knownIndexVariants = new Set(data.variantIndexes.flatMap((v) => v.names));
  }

  /** The version of `pkg` in a release row. */
  versionOf(release: TorchRelease, pkg: TorchFamilyPackage): string {
    return release[pkg];
  }

  /** Rows whose `pkg` version satisfies a public (local-tag-free) specifier; '' matches every row. */
  releasesMatching(pkg: TorchFamilyPackage, specifier: string): TorchRelease[] {
    if (specifier === '') return [...this.releases];
    return this.releases.filter((r) => safeSatisfies(r[pkg], specifier));
  }

  /** The row a `pkg` version belongs to (exact public version), or undefined. */
  releaseOf(pkg: TorchFamilyPackage, version: string): TorchRelease | undefined {
    return this.releases.find((r) => safeCompare(r[pkg], version) === 0);
  }

  /** Whether PyTorch ever served `https://download.pytorch.org/whl/<variant>`. */
  isKnownIndexVariant(variant: string): boolean {
    return this.knownIndexVariants.has(variant);
  }

  get indexVariants(): string[] {
    return [...this.knownIndexVariants];
  }

  /** The stable index URL of a variant, or the nightly one (`/whl/nightly/<variant>`). */
  indexUrl(variant: string, nightly = false): string {
    return (nightly ? this.indexes.nightly : this.indexes.stable).replace('{variant}', variant);
  }
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
