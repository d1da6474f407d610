// Generated from rules/schema/torch.schema.json by scripts/kb-types.mjs (npm run kb:types). Do not edit.

/**
 * The upstream page this entry was read from.
 */
export type Source = string;
/**
 * A wheel variant as PyTorch spells it in index paths and local tags: cpu, cu<major><minor> (cu118, cu130), rocm<major>.<minor>[.<patch>] (rocm5.7, rocm6.2.4), xpu.
 */
export type Variant = string;
/**
 * A release version as published: digits and dots, no local tag.
 */
export type Version = string;
export type PythonMinor = string;

/**
 * One row per torch release with the torchvision/torchaudio versions paired with it, the CPython minors with wheels, and the wheel variants (local tags) PyTorch published for it. Every entry carries the upstream URL it was read from.
 */
export interface TorchDocument {
  indexes: {
    host: string;
    /**
     * Index URL template; {variant} is replaced by a variant.
     */
    stable: string;
    nightly: string;
    /**
     * The release-candidate channel's index URL template: its variants are not judged.
     */
    test: string;
    testSource: Source;
    legacyFindLinks: {
      url: string;
      servesAllVariants: boolean;
      source: Source;
    }[];
    source: Source;
    /**
     * PyPI's simple index as pip and the files name it (the default index and its legacy host): an index here serves no local-tag (`+cu121`) wheels.
     *
     * @minItems 1
     */
    pypi: {
      url: string;
      source: Source;
    }[];
  };
  /**
   * Every variant PyTorch has served as an index directory.
   *
   * @minItems 1
   */
  variantIndexes: {
    /**
     * @minItems 1
     */
    names: Variant[];
    source: Source;
    /**
     * `nightly`: served under /whl/nightly/<variant> only. Absent: a stable directory (with a nightly twin).
     */
    channel?: 'nightly';
  }[];
  /**
   * How a variant name (a local tag after `+`, the last segment of an index URL) says its family and accelerator version. A name no pattern matches belongs to no family and is not judged.
   */
  variantNames: {
    /**
     * @minItems 1
     */
    families: {
      family: 'cpu' | 'cuda' | 'rocm' | 'xpu';
      /**
       * A JavaScript regular expression over the whole name; its named groups `major`, `minor` and `patch` are the accelerator version's parts.
       */
      pattern: string;
      /**
       * How PyTorch names the variant of an accelerator version: `{major}`, `{minor}` and `{version}` (the version as written) are replaced.
       */
      name?: string;
    }[];
    source: Source;
  };
  /**
   * @minItems 1
   */
  releases: {
    torch: Version;
    torchvision: Version;
    /**
     * A release version as published: digits and dots, no local tag.
     */
    torchaudio?: string;
    /**
     * CPython minors with wheels for this release: `min` and `max` inclusive (used by python-version-unsupported); `experimental` lists minors RELEASE.md calls experimental.
     */
    python: {
      min: PythonMinor;
      max: PythonMinor;
      experimental?: PythonMinor[];
    };
    /**
     * Local tags published for this release on https://download.pytorch.org/whl/<variant>.
     *
     * @minItems 1
     */
    variants: Variant[];
    source: Source;
    pythonSource: Source;
    /**
     * The upstream page this entry was read from.
     */
    variantSource?: string;
  }[];
  /**
   * Variant families whose per-release lists are complete only from a torch release on.
   */
  variantCoverage?: {
    family: 'cpu' | 'cuda' | 'rocm' | 'xpu';
    fromTorch: Version;
    note: string;
    source?: Source;
  }[];
  /**
   * Packages that stopped moving in lockstep with torch: from `from` on, a release installs with every torch `torch` allows.
   */
  stableAbi?: {
    package: 'torchvision' | 'torchaudio';
    from: Version;
    /**
     * PEP 440 specifier of the torch versions these releases install with.
     */
    torch: string;
    /**
     * @minItems 1
     */
    releases: Version[];
    source: Source;
    releasesSource?: Source;
    note?: string;
    /**
     * A release version as published: digits and dots, no local tag.
     */
    sameCudaMajorFrom?: string;
  }[];
}
