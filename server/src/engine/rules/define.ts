import type { Rule, RuleContext, RuleMeta } from './types';

/** Fixed docs headings, shared by every rule page (checked by the meta test). */
export const docHeadings = ['## What it does', '## Why it matters', '## Example', '## Fix'] as const;

export function defineRule(meta: RuleMeta, check: (context: RuleContext) => void): Rule {
  return { meta, check };
}

/** A registered rule whose logic arrives with a later issue: documented, reports nothing. */
export function plannedRule(meta: Omit<RuleMeta, 'status'>): Rule {
  return { meta: { ...meta, status: 'planned' }, check: () => undefined };
}
