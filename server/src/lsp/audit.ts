// The workspace audit report: per environment, the resolved stack and its findings.
import { LineIndex, ruleDocsUrl, type AnalysisResult, type Finding, type Level } from '../engine';
import { pushAll } from '../engine/arrays';

export interface AuditFinding {
  ruleId: string;
  level: Level;
  message: string;
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  fixable: boolean;
  /** A fix "Fix all safe problems" applies. */
  safeFix: boolean;
  /** The rule's documentation. */
  docs: string;
}

export interface AuditPin {
  name: string;
  specifier: string;
  marker: string | null;
  file: string;
  line: number;
  constraint: boolean;
}

export interface AuditEnvironment {
  id: string;
  label: string;
  rootFile: string;
  files: string[];
  pins: AuditPin[];
  /** Index options in effect, e.g. `--index-url https://download.pytorch.org/whl/cu121`. */
  options: string[];
  findings: AuditFinding[];
}

export interface AuditFolder {
  /** The workspace folder's URI. */
  folder: string;
  root: string;
  fileCount: number;
  environments: AuditEnvironment[];
  /** Findings in files that belong to no requirements environment (.py files, shell scripts, ...). */
  otherFindings: AuditFinding[];
  counts: Record<Level, number>;
}

export interface AuditReport {
  folders: AuditFolder[];
  counts: Record<Level, number>;
  /** The same report as Markdown, for clients that just show it. */
  markdown: string;
}

export function auditFolder(folder: string, root: string, result: AnalysisResult, docsHref: (ruleId: string) => string = ruleDocsUrl): AuditFolder {
  const indexes = new Map<string, LineIndex>();
  const where = (file: string, offset: number): { line: number; column: number } => {
    if (!indexes.has(file)) indexes.set(file, new LineIndex(result.project.sources.get(file)?.text ?? ''));
    const position = indexes.get(file)!.positionAt(offset);
    return { line: position.line + 1, column: position.character + 1 };
  };
  const toAudit = (finding: Finding): AuditFinding => ({
    ruleId: finding.ruleId,
    level: finding.level,
    message: finding.message,
    file: finding.file,
    ...where(finding.file, finding.span.start),
    fixable: finding.fixes.length > 0,
    safeFix: finding.fixes.some((fix) => fix.applicability === 'safe'),
    docs: docsHref(finding.ruleId),
  });
  const inEnvironment = new Set<Finding>();
  const environments = result.project.environments.map((env): AuditEnvironment => {
    const files = new Set(env.files);
    const findings = result.findings.filter((f) => files.has(f.file));
    for (const f of findings) inEnvironment.add(f);
    return {
      id: env.id,
      label: env.label,
      rootFile: env.rootFile,
      files: env.files,
      pins: [...env.requirements, ...env.constraints].map((r) => ({
        name: r.name ?? r.url ?? '(unnamed)',
        specifier: r.specifier,
        marker: r.marker,
        file: r.file,
        line: r.line,
        constraint: r.isConstraint,
      })),
      options: env.options
        .filter((o) => o.option === '--index-url' || o.option === '--extra-index-url' || o.option === '--find-links' || o.option === '--no-index')
        .map((o) => (o.value === null ? o.option : `${o.option} ${o.value}`)),
      findings: findings.map(toAudit),
    };
  });
  return {
    folder,
    root,
    fileCount: result.project.sources.size,
    environments,
    otherFindings: result.findings.filter((f) => !inEnvironment.has(f)).map(toAudit),
    counts: countLevels(result.findings),
  };
}

function countLevels(findings: readonly { level: Level }[]): Record<Level, number> {
  const counts: Record<Level, number> = { error: 0, warning: 0, note: 0 };
  for (const f of findings) counts[f.level]++;
  return counts;
}

export function buildReport(folders: AuditFolder[]): AuditReport {
  const counts: Record<Level, number> = { error: 0, warning: 0, note: 0 };
  for (const folder of folders) for (const level of ['error', 'warning', 'note'] as const) counts[level] += folder.counts[level];
  return { folders, counts, markdown: renderMarkdown(folders, counts) };
}

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n|\r/g, ' ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summary(counts: Record<Level, number>): string {
  const total = counts.error + counts.warning + counts.note;
  if (total === 0) return 'No problems found.';
  return [plural(counts.error, 'error'), plural(counts.warning, 'warning'), plural(counts.note, 'note')].join(', ') + '.';
}

function renderMarkdown(folders: AuditFolder[], counts: Record<Level, number>): string {
  const out: string[] = ['# Pinwise audit', '', summary(counts), ''];
  if (folders.length === 0) out.push('No workspace folder is open.', '');
  for (const folder of folders) {
    // Markdown renderers refuse file: links (markdown-it's validateLink); VS Code's preview resolves a
    // leading '/' against the workspace folder and '#L<n>' to the line. Other folders: plain text.
    const link = (file: string, line: number): string =>
      folders.length === 1 && !file.startsWith('..') ? `[${cell(file)}:${line}](${encodeURI(`/${file}`).replace(/\(/g, '%28').replace(/\)/g, '%29')}#L${line})` : `\`${cell(file)}:${line}\``;
    const findingRows = (findings: AuditFinding[]): string[] => [
      '| Level | Rule | Where | Message |',
      '| --- | --- | --- | --- |',
      ...findings.map((f) => `| ${f.level} | \`${f.ruleId}\` | ${link(f.file, f.line)} | ${cell(f.message)} |`),
    ];
    if (folders.length > 1) out.push(`## ${cell(folder.root)}`, '', summary(folder.counts), '');
    out.push(`${plural(folder.fileCount, 'file')} analysed, ${plural(folder.environments.length, 'environment')}.`, '');
    for (const env of folder.environments) {
      out.push(`### Environment \`${cell(env.label)}\``, '');
      if (env.files.length > 1) out.push(`Files: ${env.files.map((f) => `\`${cell(f)}\``).join(', ')}`, '');
      if (env.options.length > 0) out.push(`Index options: ${env.options.map((o) => `\`${cell(o)}\``).join(', ')}`, '');
      if (env.pins.length > 0) {
        out.push('| Package | Specifier | Marker | Where |', '| --- | --- | --- | --- |');
        for (const pin of env.pins) {
          const name = pin.constraint ? `${cell(pin.name)} (constraint)` : cell(pin.name);
          out.push(`| ${name} | ${pin.specifier ? `\`${cell(pin.specifier)}\`` : 'any'} | ${pin.marker ? `\`${cell(pin.marker)}\`` : ''} | ${link(pin.file, pin.line)} |`);
        }
        out.push('');
      } else out.push('No pins.', '');
      if (env.findings.length > 0) pushAll(out, findingRows(env.findings)).push('');
      else out.push('No problems in this environment.', '');
    }
    if (folder.otherFindings.length > 0) pushAll(out, ['### Other files', '', ...findingRows(folder.otherFindings), '']);
  }
  return out.join('\n');
}
