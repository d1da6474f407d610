// Generated from rules/schema/python-support.schema.json by scripts/kb-types.mjs (npm run kb:types). Do not edit.

export interface PythonSupportDocument {
  /**
   * @minItems 1
   */
  packages: {
    name: string;
    /**
     * @minItems 1
     */
    releases: {
      /**
       * PEP 440 specifier set: the release line.
       */
      versions: string;
      /**
       * CPython minors with wheels for every release in the line, inclusive; `min` is absent where only the newest Python with wheels is known, `max` where only the oldest is.
       */
      python: {
        min?: string;
        max?: string;
      };
      /**
       * Where the range was read, at a fixed version.
       */
      source: string;
    }[];
  }[];
}
