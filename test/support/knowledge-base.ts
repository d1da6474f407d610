// The knowledge base test files analyse with: the one the global setup validated and compiled.
import { inject } from 'vitest';
import type { KnowledgeBase } from '../../server/src/engine/kb/types';
import { readCompiledKnowledgeBase } from '../../server/src/host/knowledge-base';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of rules/ compiled by test/support/global-setup.ts. */
    compiledKnowledgeBase: string;
  }
}

export function testKnowledgeBase(): KnowledgeBase {
  const file = inject('compiledKnowledgeBase');
  if (!file) throw new Error('no compiled knowledge base: run the tests with vitest.config.ts, whose globalSetup validates rules/');
  return readCompiledKnowledgeBase(file);
}
