// Typed view of rules/knowledge.yaml: facts about the knowledge base itself.
import type { KnowledgeBase } from './types';

/** The date (YYYY-MM-DD) the knowledge base is current to, or null when the document is missing. */
export function knowledgeDate(kb: KnowledgeBase): string | null {
  const doc = kb.documents['knowledge'] as { knowledgeDate?: unknown } | undefined;
  return typeof doc?.knowledgeDate === 'string' ? doc.knowledgeDate : null;
}
