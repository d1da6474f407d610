// What the server tells the client about its work (the `pinwise/status` notification) and what
// `pinwise/debugInfo` answers: one source for the status item, the debug information and the log.
import type { AnalysisResult, Level } from '../engine';

export const statusNotification = 'pinwise/status';
export const debugInfoRequest = 'pinwise/debugInfo';

export type ServerState = 'starting' | 'checking' | 'idle';

/** A part of the project left unchecked because a work budget was reached. */
export interface BudgetHit {
  file: string;
  message: string;
}

export interface ServerStatus {
  state: ServerState;
  version: string;
  knowledgeDate: string | null;
  /** Files of the runs in progress (checking) or of the last runs (idle). */
  files: number;
  /** What the published diagnostics hold, by level: the Problems panel's counts. */
  counts: Record<Level, number>;
  /**
   * Every workspace folder was checked whole (workspace scope) with the current files. False in the
   * openFiles scope, before the first run and while one is due: "no problems" means nothing then.
   */
  complete: boolean;
  scope: 'workspace' | 'openFiles' | 'mixed';
  budgets: BudgetHit[];
}

export interface FolderDebugInfo {
  uri: string;
  root: string;
  /** The settings in effect: `pinwise.*` over `[tool.pinwise]`. */
  settings: unknown;
  files: { total: number; byKind: Record<string, number> };
  environments: { label: string; rootFile: string; files: string[]; python: string | null }[];
  targetPython: string | null;
  installedEnvironment: string | null;
  budgets: BudgetHit[];
  counts: Record<Level, number>;
  /** Whether the last run checked the whole folder. */
  complete: boolean;
}

export interface DebugInfo {
  server: string;
  knowledgeDate: string | null;
  node: string;
  platform: string;
  grammars: 'loading' | 'loaded' | 'failed' | 'none';
  folders: FolderDebugInfo[];
}

export function emptyCounts(): Record<Level, number> {
  return { error: 0, warning: 0, note: 0 };
}

/** What the work budgets left out of an analysis: files not read, includes not followed, parses cut short. */
export function budgetHits(result: AnalysisResult): BudgetHit[] {
  const hits: BudgetHit[] = [];
  const { project } = result;
  for (const file of project.unreadable) if (file.notRead === 'budget') hits.push({ file: file.path, message: file.reason });
  for (const unresolved of project.unresolvedIncludes) if (unresolved.reason === 'budget') hits.push({ file: unresolved.include.file, message: unresolved.detail });
  for (const note of project.budgetNotes) hits.push({ file: note.file, message: note.message });
  for (const [path, parsed] of project.parsed) {
    const notChecked = parsed.python?.notChecked();
    if (notChecked) hits.push({ file: path, message: notChecked });
  }
  return hits;
}

/**
 * A message's first sentence (`pinwise.shortMessages`): up to the first `.`, `!` or `?` that ends a
 * sentence, not one inside a version, a path or an abbreviation.
 */
export function firstSentence(message: string): string {
  const end = /[.!?](?=\s+\S)/g;
  for (let match = end.exec(message); match; match = end.exec(message)) {
    const before = message.slice(0, match.index + 1);
    if (/(?:\be\.g|\bi\.e|\betc|\bvs)\.$/i.test(before)) continue;
    return before;
  }
  return message;
}
