// Generated from rules/schema/deprecations.schema.json by scripts/kb-types.mjs (npm run kb:types). Do not edit.

export type Name = string;
export type Version = string;
export type Url = string;

export interface DeprecationsDocument {
  /**
   * Display name used in messages, e.g. NumPy.
   */
  library: string;
  /**
   * PEP 503 normalized name whose pins decide the version; `python` for the standard library (the target Python decides).
   */
  distribution: string;
  /**
   * Top-level import names.
   *
   * @minItems 1
   */
  modules: Name[];
  /**
   * Known release lines, oldest first; the last one is what an unpinned project gets.
   *
   * @minItems 1
   */
  versions: Version[];
  /**
   * Callables whose result is certainly an instance of a class: `pandas.read_csv: pandas.DataFrame`. A method entry `pandas.DataFrame().append` then also matches `pd.read_csv(p).append`.
   */
  factories?: {
    [k: string]: string;
  };
  entries: {
    /**
     * Dotted path; `*` matches within one name; `()` marks an instance made by a call.
     */
    symbol: string;
    kind: 'attribute' | 'module' | 'import' | 'call' | 'keyword' | 'positional' | 'required-keyword';
    /**
     * keyword: the removed or renamed keyword; required-keyword: the keyword a call must pass.
     */
    keyword?: string;
    /**
     * positional: the most arguments a call may pass by position from `removed` (or `deprecated`) on.
     */
    positional?: number;
    /**
     * positional: the parameter names in order, so the fix can pass the extra arguments by name.
     */
    parameters?: Name[];
    /**
     * required-keyword: the 0-based position at which the argument may also be passed.
     */
    position?: number;
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
      kind: 'rename' | 'module-moved' | 'keyword-renamed' | 'expression' | 'keywords' | 'manual';
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
