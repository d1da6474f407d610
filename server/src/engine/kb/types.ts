// The typed knowledge base handed to the engine. Each part is loaded from
// rules/<part>.yaml (schema-checked) by ./load.ts; rules read it, never the files.

export interface KnowledgeBase {
  /** rules/<file> -> its parsed, validated document (typed views live beside the rules that use them). */
  documents: Record<string, unknown>;
}

export function emptyKnowledgeBase(): KnowledgeBase {
  return { documents: {} };
}
