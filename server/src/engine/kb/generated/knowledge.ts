// Generated from rules/schema/knowledge.schema.json by scripts/kb-types.mjs (npm run kb:types). Do not edit.

/**
 * Facts about the knowledge base itself: the date its data is current to.
 */
export interface KnowledgeDocument {
  /**
   * The date (YYYY-MM-DD) every file under rules/ was last checked against upstream.
   */
  knowledgeDate: string;
  /**
   * The newest upstream release the data was checked against on that date, at a fixed version.
   */
  source: string;
}
