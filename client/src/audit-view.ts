// The audit report as the HTML of a webview: a read-only page with a table per environment
// (the resolved stack and the findings), links that open each location, and a "Fix all safe
// problems" button. Pure (no vscode import) so it is testable on its own. Every text that comes
// from the workspace is escaped; the page loads nothing (a Content-Security-Policy with
// default-src 'none' and one nonce for its own style and script) and talks to the extension
// only by posting small messages naming an index into the tables returned with the HTML.
import type { AuditEnvironment, AuditFinding, AuditFolder, AuditReport } from '../../server/src/lsp/audit';

export interface AuditLocation {
  /** The workspace folder's URI (as the server sent it). */
  folder: string;
  /** Path relative to the folder, `/` separators. */
  file: string;
  /** 1-based. */
  line: number;
  column: number;
}

/** What the page posts to the extension. */
export type AuditMessage = { type: 'open'; id: number } | { type: 'docs'; id: number } | { type: 'fixAll' } | { type: 'rerun' };

export interface AuditView {
  html: string;
  /** `open` messages name an index into this list. */
  locations: AuditLocation[];
  /** `docs` messages name an index into this list of rule documentation URLs. */
  docs: string[];
  /** Findings "Fix all safe problems" would fix. */
  safeFixes: number;
}

export interface RenderOptions {
  /** A fresh random value per rendering: the only style and script allowed to run carry it. */
  nonce: string;
  /** A line shown under the summary, e.g. what the last fix did. */
  notice?: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Escaped text with `code` spans (the messages quote pins and names in backticks). */
function richText(text: string): string {
  return escapeHtml(text).replace(/`([^`\n]+)`/g, '<code>$1</code>');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function countsText(counts: AuditReport['counts']): string {
  if (counts.error + counts.warning + counts.note === 0) return 'No problems found.';
  return `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')}, ${plural(counts.note, 'note')}.`;
}

/** Parses a message from the page; anything else (a page that misbehaves) is null. */
export function parseAuditMessage(value: unknown, view: Pick<AuditView, 'locations' | 'docs'>): AuditMessage | null {
  if (typeof value !== 'object' || value === null) return null;
  const { type, id } = value as { type?: unknown; id?: unknown };
  if (type === 'fixAll' || type === 'rerun') return { type };
  if ((type === 'open' || type === 'docs') && typeof id === 'number' && Number.isInteger(id) && id >= 0) {
    if (id < (type === 'open' ? view.locations.length : view.docs.length)) return { type, id };
  }
  return null;
}

export function renderAuditHtml(report: AuditReport, options: RenderOptions): AuditView {
  const locations: AuditLocation[] = [];
  const docs: string[] = [];
  let safeFixes = 0;
  const nonce = escapeHtml(options.nonce);

  const where = (folder: AuditFolder, file: string, line: number, column = 1): string => {
    locations.push({ folder: folder.folder, file, line, column });
    return `<a href="#" class="loc" data-loc="${locations.length - 1}" title="Open ${escapeHtml(file)} at line ${line}">${escapeHtml(file)}:${line}</a>`;
  };
  const docsLink = (finding: AuditFinding): string => {
    let id = docs.indexOf(finding.docs);
    if (id < 0) id = docs.push(finding.docs) - 1;
    return `<a href="#" class="rule" data-docs="${id}" title="Open the documentation of ${escapeHtml(finding.ruleId)}">${escapeHtml(finding.ruleId)}</a>`;
  };
  const findingsTable = (folder: AuditFolder, findings: AuditFinding[]): string => {
    const rows = findings.map((f) => {
      if (f.safeFix) safeFixes++;
      const fix = f.safeFix
        ? ' <span class="tag" title="Fix all safe problems applies it">safe fix</span>'
        : f.fixable
          ? ' <span class="tag" title="A quick fix to review in the editor (Ctrl+.)">fix to review</span>'
          : '';
      return (
        `<tr><td><span class="level ${escapeHtml(f.level)}">${escapeHtml(f.level)}</span></td>` +
        `<td class="rule">${docsLink(f)}</td><td class="message">${richText(f.message)}${fix}</td>` +
        `<td class="where">${where(folder, f.file, f.line, f.column)}</td></tr>`
      );
    });
    return `<div class="scroll"><table class="findings"><thead><tr><th>Level</th><th>Rule</th><th>Message</th><th>Where</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  };
  const pinsTable = (folder: AuditFolder, env: AuditEnvironment): string => {
    const rows = env.pins.map(
      (pin) =>
        `<tr><td class="package">${escapeHtml(pin.name)}${pin.constraint ? ' <span class="tag">constraint</span>' : ''}</td>` +
        `<td>${pin.specifier ? `<code>${escapeHtml(pin.specifier)}</code>` : '<span class="muted">any</span>'}</td>` +
        `<td>${pin.marker ? `<code>${escapeHtml(pin.marker)}</code>` : ''}</td><td class="where">${where(folder, pin.file, pin.line)}</td></tr>`,
    );
    return `<div class="scroll"><table class="pins"><thead><tr><th>Package</th><th>Specifier</th><th>Marker</th><th>Where</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
  };

  const body: string[] = [];
  if (report.folders.length === 0) body.push('<p>No workspace folder is open.</p>');
  for (const folder of report.folders) {
    if (report.folders.length > 1) body.push(`<h2 class="folder">${escapeHtml(folder.root)}</h2><p>${escapeHtml(countsText(folder.counts))}</p>`);
    body.push(`<p class="muted">${plural(folder.fileCount, 'file')} analysed, ${plural(folder.environments.length, 'environment')}.</p>`);
    for (const env of folder.environments) {
      const problems = env.findings.length;
      body.push(`<section class="environment"><h2>Environment <code>${escapeHtml(env.label)}</code> <span class="count">${problems === 0 ? 'no problems' : plural(problems, 'problem')}</span></h2>`);
      const meta: string[] = [];
      if (env.files.length > 1) meta.push(`Files: ${env.files.map((f) => `<code>${escapeHtml(f)}</code>`).join(', ')}`);
      if (env.options.length > 0) meta.push(`Index options: ${env.options.map((o) => `<code>${escapeHtml(o)}</code>`).join(', ')}`);
      if (meta.length > 0) body.push(`<p class="meta">${meta.join('<br>')}</p>`);
      if (problems > 0) body.push(`<h3>Findings</h3>${findingsTable(folder, env.findings)}`);
      body.push(`<h3>Resolved stack <span class="count">${plural(env.pins.length, 'pin')}</span></h3>`);
      body.push(env.pins.length > 0 ? pinsTable(folder, env) : '<p class="muted">No pins.</p>');
      body.push('</section>');
    }
    if (folder.otherFindings.length > 0) {
      body.push(`<section class="environment"><h2>Other files <span class="count">${plural(folder.otherFindings.length, 'problem')}</span></h2>`);
      body.push(`<p class="meta">Files that belong to no requirements environment (Python sources, install scripts).</p>`);
      body.push(`${findingsTable(folder, folder.otherFindings)}</section>`);
    }
  }

  const fixTitle = safeFixes === 0 ? 'No finding has a fix that is safe to apply without review' : 'Apply every safe fix in every affected file, as Fix All does in one file';
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'none'; font-src 'none'; connect-src 'none'; media-src 'none'; frame-src 'none'; form-action 'none'; base-uri 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pinwise audit</title>
<style nonce="${nonce}">${css}</style>
</head>
<body>
<header>
<h1>Pinwise audit</h1>
<p class="summary">${escapeHtml(countsText(report.counts))}</p>
${options.notice ? `<p class="notice" role="status">${escapeHtml(options.notice)}</p>` : ''}
<div class="actions">
<button type="button" id="fix-all" data-action="fixAll" title="${fixTitle}"${safeFixes === 0 ? ' disabled' : ''}>Fix all safe problems${safeFixes > 0 ? ` (${safeFixes})` : ''}</button>
<button type="button" id="rerun" class="secondary" data-action="rerun" title="Audit the workspace again">Run again</button>
</div>
</header>
<main>
${body.join('\n')}
</main>
<script nonce="${nonce}">${script}</script>
</body>
</html>
`;
  return { html, locations, docs, safeFixes };
}

// The page's own style: VS Code's theme variables, nothing loaded.
const css = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 20px 24px; line-height: 1.45; }
header { position: sticky; top: 0; background: var(--vscode-editor-background); padding: 12px 0 8px; border-bottom: 1px solid var(--vscode-panel-border, transparent); z-index: 1; }
h1 { font-size: 1.5em; margin: 0 0 4px; font-weight: 600; }
h2 { font-size: 1.2em; margin: 22px 0 6px; font-weight: 600; }
h3 { font-size: 1em; margin: 14px 0 6px; font-weight: 600; }
.count, .muted { color: var(--vscode-descriptionForeground); font-weight: normal; font-size: 0.9em; }
.summary { margin: 0 0 8px; }
.notice { margin: 0 0 8px; color: var(--vscode-notificationsInfoIcon-foreground, var(--vscode-foreground)); }
.actions { display: flex; gap: 8px; }
button { font: inherit; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; padding: 4px 12px; cursor: pointer; }
button:hover:not(:disabled) { background: var(--vscode-button-hoverBackground); }
button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
button.secondary:hover:not(:disabled) { background: var(--vscode-button-secondaryHoverBackground); }
button:disabled { opacity: 0.5; cursor: default; }
button:focus-visible, a:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; margin: 0 0 8px; }
th, td { text-align: left; vertical-align: top; padding: 3px 10px 3px 0; border-bottom: 1px solid var(--vscode-editorWidget-border, rgba(128, 128, 128, 0.25)); }
th { font-weight: 600; color: var(--vscode-descriptionForeground); }
td.where, td.rule { white-space: nowrap; }
td.message { overflow-wrap: anywhere; min-width: 16em; }
.scroll { overflow-x: auto; }
code { font-family: var(--vscode-editor-font-family); font-size: 0.95em; background: var(--vscode-textCodeBlock-background); padding: 0 3px; border-radius: 3px; }
a { color: var(--vscode-textLink-foreground); text-decoration: none; }
a:hover { color: var(--vscode-textLink-activeForeground); text-decoration: underline; }
.level { font-weight: 600; }
.level.error { color: var(--vscode-errorForeground); }
.level.warning { color: var(--vscode-editorWarning-foreground); }
.level.note { color: var(--vscode-editorInfo-foreground); }
.tag { white-space: nowrap; font-size: 0.85em; color: var(--vscode-descriptionForeground); border: 1px solid currentColor; border-radius: 3px; padding: 0 3px; }
.meta { color: var(--vscode-descriptionForeground); margin: 0 0 6px; }
`;

// The page's only script: forwards clicks as messages; the extension checks every one.
const script = `
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('[data-loc], [data-docs], [data-action]') : null;
  if (!target) return;
  event.preventDefault();
  if (target.hasAttribute('data-loc')) vscode.postMessage({ type: 'open', id: Number(target.getAttribute('data-loc')) });
  else if (target.hasAttribute('data-docs')) vscode.postMessage({ type: 'docs', id: Number(target.getAttribute('data-docs')) });
  else if (!target.disabled) {
    if (target.getAttribute('data-action') === 'fixAll') {
      for (const button of document.querySelectorAll('button')) button.disabled = true;
      target.textContent = 'Fixing…';
    }
    vscode.postMessage({ type: target.getAttribute('data-action') });
  }
});
`;
