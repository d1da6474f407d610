// Generated from rules/schema/requires.schema.json by scripts/kb-types.mjs (npm run kb:types). Do not edit.

export interface RequiresDocument {
  /**
   * @minItems 1
   */
  requirements: {
    package: string;
    /**
     * PEP 440 specifier set: the releases of `package` that declare this requirement.
     */
    versions: string;
    requires: string;
    /**
     * PEP 440 specifier set, as the package declares it (Requires-Dist).
     */
    specifier: string;
    /**
     * PEP 508 marker of the declared requirement.
     */
    marker?: string;
    /**
     * Only builds with no local tag, or a local tag starting with one of these, declare it.
     *
     * @minItems 1
     */
    local_tags?: string[];
    /**
     * The package's own metadata or release notes at that release, at a fixed version (a tag, a commit, a versioned page).
     */
    source: string;
    /**
     * Further evidence (an upstream issue quoting pip's report), beside the source.
     *
     * @minItems 1
     */
    evidence?: string[];
  }[];
}
