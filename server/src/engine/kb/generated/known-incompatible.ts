// Generated from rules/schema/known-incompatible.schema.json by scripts/kb-types.mjs (npm run kb:types). Do not edit.

export interface KnownIncompatibleDocument {
  /**
   * @minItems 1
   */
  pairs: {
    id: string;
    package: string;
    /**
     * PEP 440 specifier set: the releases of `package` that break.
     */
    affected: string;
    /**
     * The first release of `package` that works again; absent: none has been published.
     */
    fixed_in?: string;
    with: string;
    /**
     * PEP 440 specifier set: the releases of `with` they break with.
     */
    with_versions: string;
    reason: string;
    advice?: string;
    source: string;
  }[];
}
