import type { Finding, Fix, Level, RelatedLocation } from '../findings';
import type { KnowledgeBase } from '../kb/types';
import type { Span } from '../model';
import type { Project } from '../project';
import type { Settings } from '../settings';

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

export interface RuleContext {
  project: Project;
  kb: KnowledgeBase;
  settings: Settings;
  report(report: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

export type { Finding };
