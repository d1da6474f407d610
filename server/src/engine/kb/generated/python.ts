// Generated from rules/schema/python.schema.json by scripts/kb-types.mjs (npm run kb:types). Do not edit.

export interface PythonDocument {
  /**
   * CPython minors a project may run on when it does not fix one: marker questions are decided over these.
   *
   * @minItems 1
   */
  minors: {
    /**
     * A CPython feature release, 3.N.
     */
    version: string;
    /**
     * Where the release is scheduled or recorded (CPython's release-cycle data or the minor's release-schedule PEP), at a fixed commit.
     */
    source: string;
  }[];
}
