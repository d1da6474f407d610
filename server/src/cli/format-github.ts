// GitHub Actions workflow commands: one `::error file=…,line=…::message` line per finding, which the
// runner turns into annotations on the pull request's diff.
import type { Level } from '../engine/findings';
import type { LocatedFinding } from './report';

const commandOf: Record<Level, string> = { error: 'error', warning: 'warning', note: 'notice' };

/** A message (the data after `::`): `%`, CR and LF are escaped so a command stays one line. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value: also `:` and `,`, which would end the value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function workflowCommand(command: string, properties: Record<string, string | number>, message: string): string {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

/** `uri` must be relative to the repository root (the working directory of the step). */
export function annotationOf(item: LocatedFinding): string {
  const { region } = item;
  const properties: Record<string, string | number> = { file: item.uri, line: region.startLine, endLine: region.endLine };
  // GitHub takes columns only for an annotation on one line.
  if (region.endLine === region.startLine) Object.assign(properties, { col: region.startColumn, endColumn: region.endColumn });
  properties['title'] = `pinwise(${item.finding.ruleId})`;
  const safe = item.fixes.find((fix) => fix.applicability === 'safe');
  const pin = safe ? undefined : item.fixes.find((fix) => fix.applicability === 'changes-installed');
  const message = safe
    ? `${item.finding.message}\nFix available (pinwise check --fix): ${safe.title}`
    : pin
      ? `${item.finding.message}\nFix available, changing what is installed (pinwise check --fix --unsafe-fixes): ${pin.title}`
      : item.finding.message;
  return workflowCommand(commandOf[item.finding.level], properties, message);
}

export function formatGithub(located: readonly LocatedFinding[]): string {
  return located.map((item) => annotationOf(item) + '\n').join('');
}
