// Generated from rules/schema/numpy-abi.schema.json by scripts/kb-types.mjs (npm run kb:types). Do not edit.

export interface NumpyAbiDocument {
  /**
   * The first NumPy release of the 2.x ABI.
   */
  numpy2: string;
  /**
   * The specifier clause that keeps NumPy on the 1.x ABI (the quick fix appends it).
   */
  numpy1Cap: string;
  /**
   * Where NumPy states the ABI break, at a fixed version.
   */
  source: string;
  /**
   * @minItems 1
   */
  packages: {
    name: string;
    /**
     * The first release built against NumPy 2 (it also runs on NumPy 1.x).
     */
    first_numpy2_build: string;
    source: string;
    note?: string;
    /**
     * Requires one exact release of this other listed package, which is named instead when pinned too.
     */
    follows?: string;
  }[];
}
