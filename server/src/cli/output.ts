// What `pinwise check` prints: the findings after baseline and --quiet, in the chosen format, on
// stdout or in --output-file, and the exit status that goes with them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { compareWithBaseline, formatBaseline, type BaselineEntry, type BaselineState, type Reported } from './baseline';
import { formatGithub } from './format-github';
import { formatGitlab } from './format-gitlab';
import { formatJson } from './format-json';
import { formatJunit } from './format-junit';
import { formatSarif } from './format-sarif';
import { formatText } from './format-text';
import type { LocatedFinding } from './report';
import { countByRule, formatStatistics } from './statistics';

export const formatNames = ['text', 'json', 'sarif', 'github', 'gitlab', 'junit'] as const;
export type FormatName = (typeof formatNames)[number];

export interface ReportOptions {
  format: FormatName;
  outputFile?: string;
  quiet: boolean;
  statistics: boolean;
  showFixes: boolean;
  /** `--unsafe-fixes`: fixes that change what is installed count as fixable. */
  unsafeFixes?: boolean;
  exitZero: boolean;
  baseline?: BaselineEntry[];
  writeBaseline?: string;
  color: boolean;
}

/** Pins installed together (a root requirements file and its includes, a script's run, …). */
export interface EnvironmentSummary {
  label: string;
  /** Paths from the working directory, like `Reported.path`. */
  files: string[];
}

export interface CheckOutcome {
  reported: Reported[];
  internalErrors: string[];
  environments: EnvironmentSummary[];
  /** Lines the text report starts with (which installed environment was read too). */
  notices: string[];
  /** The date the knowledge base is current to (SARIF `tool.driver.properties.knowledgeDate`). */
  knowledgeDate: string | null;
}

export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
  isTTY: boolean;
  /**
   * The working directory: relative paths given are read from it and printed paths are relative
   * to it. Default: the process's. (The tests run the CLI in their own process, one directory each.)
   */
  cwd?: string;
}

/** A path the user gave, from the working directory. */
export function fromCwd(io: Pick<Output, 'cwd'>, path: string): string {
  return resolve(io.cwd ?? process.cwd(), path);
}

/** The findings to show: those not in the baseline, errors only with --quiet. */
export function visibleFindings(outcome: CheckOutcome, options: Pick<ReportOptions, 'baseline' | 'quiet'>) {
  const comparison = options.baseline ? compareWithBaseline(outcome.reported, options.baseline) : undefined;
  const keep = (level: string) => !options.quiet || level === 'error';
  const shown = outcome.reported.filter((r, index) => (!comparison || comparison.states[index] === 'new') && keep(r.item.finding.level));
  // SARIF says what the baseline says about each result instead of dropping the known ones.
  const sarifShown = outcome.reported.map((r, index) => ({ r, state: comparison?.states[index] })).filter(({ r }) => keep(r.item.finding.level));
  const absent = (comparison?.absent ?? []).filter((entry) => keep(entry.level));
  return { shown, comparison, sarifShown, absent };
}

/** GitHub and GitLab locate files from the repository root: the working directory of the job. */
const fromWorkingDirectory = (reported: readonly Reported[]): LocatedFinding[] => reported.map(({ item, path }) => ({ ...item, uri: path }));

export function render(outcome: CheckOutcome, options: ReportOptions, version: string): string {
  const { shown, sarifShown, absent, comparison } = visibleFindings(outcome, options);
  const located = shown.map((r) => r.item);
  if (options.statistics) {
    return options.format === 'json' ? JSON.stringify(countByRule(located), null, 2) + '\n' : formatStatistics(located);
  }
  switch (options.format) {
    case 'sarif': {
      const states = comparison ? sarifShown.map(({ state }) => state as BaselineState) : undefined;
      return formatSarif(sarifShown.map(({ r }) => r.item), version, outcome.internalErrors, outcome.knowledgeDate, states ? { states, absent } : undefined) + '\n';
    }
    case 'json':
      return formatJson(located, version, options.unsafeFixes) + '\n';
    case 'github':
      return formatGithub(fromWorkingDirectory(shown));
    case 'gitlab':
      return formatGitlab(shown) + '\n';
    case 'junit':
      return formatJunit(located);
    case 'text':
      return outcome.notices.map((notice) => `${notice}\n`).join('') + formatText(located, { color: options.color && !options.outputFile, showFixes: options.showFixes, unsafeFixes: options.unsafeFixes ?? false });
  }
}

/** Writes the report and returns the exit status: 1 when an error-level finding is shown. */
export function report(outcome: CheckOutcome, options: ReportOptions, version: string, io: Output): number {
  if (options.writeBaseline) {
    writeFile(fromCwd(io, options.writeBaseline), formatBaseline(outcome.reported));
    io.err(`pinwise: wrote ${outcome.reported.length} finding${outcome.reported.length === 1 ? '' : 's'} to the baseline ${options.writeBaseline}\n`);
    for (const error of outcome.internalErrors) io.err(`pinwise: ${error}\n`);
    return outcome.internalErrors.length > 0 ? 2 : 0;
  }
  const text = render(outcome, options, version);
  if (options.outputFile) writeFile(fromCwd(io, options.outputFile), text);
  else io.out(text);
  const { shown, comparison } = visibleFindings(outcome, options);
  if (comparison && options.format === 'text') {
    const known = comparison.states.filter((state) => state === 'unchanged').length;
    io.err(`pinwise: ${known} finding${known === 1 ? '' : 's'} already in the baseline not shown; ${comparison.absent.length} baseline finding${comparison.absent.length === 1 ? '' : 's'} no longer found\n`);
  }
  for (const error of outcome.internalErrors) io.err(`pinwise: ${error}\n`);
  if (outcome.internalErrors.length > 0) return 2;
  if (options.exitZero) return 0;
  return shown.some((r) => r.item.finding.level === 'error') ? 1 : 0;
}

export function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
