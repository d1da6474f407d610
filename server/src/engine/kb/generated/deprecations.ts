// Generated from rules/schema/deprecations.schema.json by scripts/kb-types.mjs (npm run kb:types). Do not edit.

export type Version = string;
export type Url = string;

export interface DeprecationsDocument {
  /**
   * Display name used in messages, e.g. NumPy.
   */
  library: string;
  /**
   * PEP 503 normalized name whose pins decide the version.
   */
  distribution: string;
  /**
   * Top-level import names.
   *
   * @minItems 1
   */
  modules: string[];
  /**
   * Known release lines, oldest first; the last one is what an unpinned project gets.
   *
   * @minItems 1
   */
  versions: Version[];
  entries: {
    /**
     * Dotted path; `*` matches within one name; `()` marks an instance made by a call.
     */
    symbol: string;
    kind: 'attribute' | 'import' | 'call' | 'keyword';
    keyword?: string;
    deprecated?: Version;
    removed?: Version;
    /**
     * A later release where the name exists again (with a new meaning).
     */
    restored?: string;
    /**
     * A release from which the call behaves differently (reported as a note), e.g. a flipped default.
     */
    changed?: string;
    /**
     * call entries: passing this keyword explicitly means the code is not affected.
     */
    unlessKeyword?: string;
    replacement: {
      kind: 'rename' | 'module-moved' | 'keyword-renamed' | 'expression' | 'manual';
      to?: string;
      /**
       * keyword-renamed: old value as written -> new value; other values get no fix.
       */
      values?: {
        [k: string]: string;
      };
      /**
       * expression: arguments inserted first in the call.
       */
      prependArguments?: string[];
      /**
       * First release with the replacement; absent means every known release.
       */
      since?: string;
      /**
       * The replacement behaves identically; false keeps the fix unsafe.
       */
      exact?: boolean;
      /**
       * expression on a call: the replacement orders its parameters differently, so a fix is offered only when every argument is passed by keyword.
       */
      reordersArguments?: boolean;
      hint?: string;
    };
    note?: string;
    source: Url;
  }[];
}
