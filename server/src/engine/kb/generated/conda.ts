// Generated from rules/schema/conda.schema.json by scripts/kb-types.mjs (npm run kb:types). Do not edit.

export interface CondaDocument {
  /**
   * Conda packages whose PyPI distribution has another name.
   */
  packages: {
    /**
     * The conda package name.
     */
    conda: string;
    /**
     * The PyPI distribution it is (normalized name).
     */
    pypi: string;
    /**
     * The recipe or documentation that shows it, at a fixed commit.
     */
    source: string;
  }[];
  /**
   * Conda packages that choose the PyTorch build variant of the environment.
   */
  selectors: {
    conda: string;
    /**
     * The wheel variant; {major} and {minor} are the package's version parts.
     */
    variant: string;
    source: string;
  }[];
  /**
   * Build-string patterns of torch-family conda packages that name their variant.
   */
  builds: {
    /**
     * A regular expression over the build string.
     */
    pattern: string;
    /**
     * The wheel variant; {1}, {2} are the pattern's groups.
     */
    variant: string;
    source: string;
  }[];
  /**
   * Conda channels that stopped publishing the torch family after a release line.
   */
  retiredChannels?: {
    /**
     * The channel name as environment files write it.
     */
    channel: string;
    /**
     * The last torch release line (X.Y) the channel published.
     */
    lastTorch: string;
    note?: string;
    /**
     * The announcement, at a fixed address.
     */
    source: string;
  }[];
}
