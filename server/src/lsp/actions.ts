// The code actions of one finding, for text documents and notebook cells alike: its quick fixes and
// the page of its rule. Titles name the tool and the rule, as Ruff's and ESLint's menus do.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeAction, CodeActionKind, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import { ruleDocsUrl, type Edit, type Finding } from '../engine';

/** Client command (the extension's): opens a rule's page, `[ruleId, href]`. */
export const showDocumentationCommand = 'pinwise.showDocumentation';

export const actionTitle = (ruleId: string, title: string): string => `Pinwise (${ruleId}): ${title}`;

/** Where an edit goes in the client's documents; null when it may not be offered there. */
export type PlaceEdit = (edit: Edit) => { uri: string; edit: TextEdit } | null;

/** One quick fix per fix of the finding; the first that fix-all could take too is the preferred one (never a manual one). */
export function fixActions(finding: Finding, diagnostic: Diagnostic, place: PlaceEdit): CodeAction[] {
  const actions: CodeAction[] = [];
  let preferred = false;
  for (const fix of finding.fixes) {
    const placed = fix.edits.map(place);
    if (placed.some((p) => p === null)) continue;
    const changes: Record<string, TextEdit[]> = {};
    for (const p of placed) (changes[p!.uri] ??= []).push(p!.edit);
    const action = CodeAction.create(actionTitle(finding.ruleId, fix.title), { changes }, CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    if (fix.applicability !== 'manual' && !preferred) {
      action.isPreferred = true;
      preferred = true;
    }
    actions.push(action);
  }
  return actions;
}

/** "Show documentation" for each rule among the diagnostics, once per rule, last in the menu as ESLint puts it. */
export function documentationActions(matched: readonly { diagnostic: Diagnostic; finding: Finding }[], href: (ruleId: string) => string): CodeAction[] {
  const actions: CodeAction[] = [];
  const seen = new Set<string>();
  for (const { diagnostic, finding } of matched) {
    if (seen.has(finding.ruleId)) continue;
    seen.add(finding.ruleId);
    const title = `Pinwise: Show documentation for pinwise(${finding.ruleId})`;
    const action = CodeAction.create(title, { title, command: showDocumentationCommand, arguments: [finding.ruleId, href(finding.ruleId)] }, CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    actions.push(action);
  }
  return actions;
}

const shipped = new Map<string, boolean>();

/**
 * A rule's page: the public one when `docsUrl` is set (`{rule}` stands for the id, or the id is
 * appended), else the page shipped in the package (`docsDir`), else the repository's.
 */
export function ruleDocsHref(ruleId: string, docsUrl: string, docsDir: string | undefined): string {
  if (docsUrl) return docsUrl.includes('{rule}') ? docsUrl.split('{rule}').join(ruleId) : `${docsUrl.replace(/\/+$/, '')}/${ruleId}`;
  if (docsDir) {
    const page = join(docsDir, `${ruleId}.md`);
    if (!shipped.has(page)) shipped.set(page, existsSync(page));
    if (shipped.get(page)) return pathToFileURL(page).href;
  }
  return ruleDocsUrl(ruleId);
}
