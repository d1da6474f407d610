// Baselines: today's findings recorded so that a later run reports only what is new. A finding is
// matched by rule, file and a fingerprint of the text it is about, never by line number, so edits
// above it keep it matched; the same finding twice in a file is counted twice.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Level } from '../engine/findings';
import type { LocatedFinding } from './report';

/** A finding with the identity baselines and CI reports use. */
export interface Reported {
  item: LocatedFinding;
  /** Path relative to the working directory, `/` separators (what CI systems expect). */
  path: string;
  fingerprint: string;
}

export interface BaselineEntry {
  ruleId: string;
  file: string;
  fingerprint: string;
  /** For people reading the file and for SARIF `absent` results; never used to match. */
  level: Level;
  line: number;
  message: string;
}

export type BaselineState = 'new' | 'unchanged';

const baselineFormat = 1;

/** Whitespace is normalised: re-indenting or re-spacing a line is not a new finding. */
export function fingerprintOf(ruleId: string, offendingText: string): string {
  const normalized = offendingText.replace(/\s+/g, ' ').trim();
  return createHash('sha256').update(`${ruleId}\0${normalized}`).digest('hex').slice(0, 16);
}

const keyOf = (ruleId: string, file: string, fingerprint: string) => `${ruleId}\0${file}\0${fingerprint}`;

export function formatBaseline(reported: readonly Reported[]): string {
  const findings: BaselineEntry[] = reported
    .map(({ item, path, fingerprint }) => ({
      ruleId: item.finding.ruleId,
      file: path,
      fingerprint,
      level: item.finding.level,
      line: item.region.startLine,
      message: item.finding.message,
    }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.ruleId.localeCompare(b.ruleId) || a.fingerprint.localeCompare(b.fingerprint));
  return JSON.stringify({ tool: 'pinwise', baselineFormat, findings }, null, 2) + '\n';
}

export class BaselineError extends Error {}

export function readBaseline(path: string): BaselineEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BaselineError(`--baseline ${path}: cannot read it as JSON (${(error as Error).message})`);
  }
  const findings = (data as { findings?: unknown }).findings;
  const isEntry = (e: unknown): e is BaselineEntry =>
    typeof e === 'object' && e !== null && ['ruleId', 'file', 'fingerprint'].every((k) => typeof (e as Record<string, unknown>)[k] === 'string');
  if ((data as { tool?: unknown }).tool !== 'pinwise' || !Array.isArray(findings) || !findings.every(isEntry)) {
    throw new BaselineError(`--baseline ${path}: not a Pinwise baseline (write one with --write-baseline)`);
  }
  return findings;
}

/** Which current findings the baseline already holds, and which of its findings are gone. */
export function compareWithBaseline(reported: readonly Reported[], baseline: readonly BaselineEntry[]): { states: BaselineState[]; absent: BaselineEntry[] } {
  const remaining = new Map<string, BaselineEntry[]>();
  for (const entry of baseline) {
    const key = keyOf(entry.ruleId, entry.file, entry.fingerprint);
    if (!remaining.has(key)) remaining.set(key, []);
    remaining.get(key)!.push(entry);
  }
  const states = reported.map(({ item, path, fingerprint }): BaselineState => {
    const left = remaining.get(keyOf(item.finding.ruleId, path, fingerprint));
    return left && left.shift() ? 'unchanged' : 'new';
  });
  return { states, absent: [...remaining.values()].flat() };
}
