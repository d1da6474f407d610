import type { Finding, Fix, Level, RelatedLocation } from '../findings';
import type { KnowledgeBase } from '../kb/types';
import type { Span } from '../model';
import type { Project } from '../project';
import type { Settings } from '../settings';
import type { SuppressionComment } from '../suppressions';

export interface RuleMeta {
  id: string;
  defaultLevel: Level;
  /** One line, used as SARIF shortDescription and in the README table. */
  summary: string;
  /** Whether some findings carry a fix. */
  fixable: boolean;
  /** 'planned' rules are registered and documented but report nothing yet. */
  status: 'active' | 'planned';
  /** Markdown body of docs/rules/<id>.md, with the fixed headings. */
  docs: string;
}

export interface Report {
  message: string;
  file: string;
  span: Span;
  related?: RelatedLocation[];
  fixes?: Fix[];
  /** Overrides the default level for this finding (e.g. deprecated vs removed). */
  level?: Level;
  deprecated?: boolean;
}

/** A file's ignore comments and the rule ids each suppressed (`*` for a comment naming none). */
export interface FileSuppressions {
  file: string;
  text: string;
  comments: readonly SuppressionComment[];
  used: ReadonlyMap<SuppressionComment, ReadonlySet<string>>;
  /** Whether a comment alone on its line may go with its line (not in a notebook, whose lines are JSON). */
  wholeLines: boolean;
}

export interface SuppressionUse {
  files: FileSuppressions[];
  /** Every rule id there is. */
  known: readonly string[];
  /** The rules that ran to the end in this analysis (a comment naming another is not judged). */
  ran: ReadonlySet<string>;
  /** Every rule ran: only then can a comment naming no rule be judged. */
  allRan: boolean;
}

export interface RuleContext {
  project: Project;
  kb: KnowledgeBase;
  settings: Settings;
  report(report: Report): void;
  /** The project's ignore comments and what they suppressed so far: complete for the rule that runs last (unused-suppression). */
  suppressions(): SuppressionUse;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

export type { Finding };
