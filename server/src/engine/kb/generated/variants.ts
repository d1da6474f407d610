// Generated from rules/schema/variants.schema.json by scripts/kb-types.mjs (npm run kb:types). Do not edit.

export interface VariantsDocument {
  /**
   * @minItems 1
   */
  groups: {
    id: string;
    import: string;
    source: string;
    note?: string;
    /**
     * @minItems 2
     */
    distributions: {
      name: string;
      accelerator: 'any' | 'cpu' | 'cuda' | 'rocm' | 'directml' | 'openvino' | 'qnn' | 'coreml';
      /**
       * The only sys_platform this distribution is built for; enables the complementary-marker fix.
       */
      platform?: 'linux' | 'darwin' | 'win32';
      platformSource?: string;
    }[];
  }[];
}
