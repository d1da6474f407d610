// Generated from rules/schema/stack.schema.json by scripts/kb-types.mjs (npm run kb:types). Do not edit.

export interface StackDocument {
  /**
   * Where the per-family platform gating is documented, at a fixed commit.
   */
  source: string;
  /**
   * Per accelerator family: the marker gating uv's PyTorch source, and packages that come from the same index.
   */
  families: {
    cpu: Family;
    cuda: Family;
    rocm: Family;
    xpu: Family;
  };
  bots: {
    /**
     * Packages one update must move together.
     *
     * @minItems 1
     */
    packages: string[];
    /**
     * The group's name in Renovate and Dependabot.
     */
    groupName: string;
    /**
     * Why they move together.
     */
    source: string;
  };
}
export interface Family {
  /**
   * PEP 508 marker of the platforms the family's index serves; absent: every platform.
   */
  marker?: string;
  /**
   * Packages the family's builds need from the same index.
   */
  alsoFromIndex?: string[];
}
