// Generated from rules/schema/docker-images.schema.json by scripts/kb-types.mjs (npm run kb:types). Do not edit.

/**
 * Base images whose tags say which Python, Python packages and accelerator a Dockerfile stage starts with.
 */
export interface DockerImagesDocument {
  /**
   * @minItems 1
   */
  images: {
    /**
     * The repository's short name, as messages write it (`pytorch/pytorch`).
     */
    repository: string;
    /**
     * What the image is, for messages.
     */
    title: string;
    /**
     * Every way a FROM line may name the repository, lower case (with registry and `library/` prefixes).
     *
     * @minItems 1
     */
    names: string[];
    /**
     * @minItems 1
     */
    tags: {
      /**
       * A regular expression over the whole tag; named groups `python`, `torch`, `cuda`, `rocm` say what the tag names.
       */
      pattern: string;
      /**
       * A tag the pattern matches (checked by the tests).
       */
      example: string;
      /**
       * The torch-family packages the image installs: torch at the tag's version, torchvision and torchaudio at torch's release row.
       */
      preinstalled?: ('torch' | 'torchvision' | 'torchaudio')[];
      /**
       * What the image's libraries are built for; its version is the `cuda` or `rocm` group.
       */
      accelerator?: 'cuda' | 'rocm';
      /**
       * Where the tag grammar and the image's contents are defined, at a fixed version.
       */
      source: string;
      /**
       * A second source for what the image installs, at a fixed version.
       */
      sourceDetail?: string;
      note?: string;
    }[];
    /**
     * The Python of images whose tags name none, by the torch release the tag names.
     */
    pythonByTorch?: {
      /**
       * The torch releases (a PEP 440 specifier set) built on this Python.
       */
      torch: string;
      python: string;
      source: string;
      sourceDetail?: string;
      note?: string;
    }[];
  }[];
}
