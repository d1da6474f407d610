// The editor's face of `pinwise upgrade`: on a torch-family pin, "Upgrade the PyTorch family to
// torch X in every file" as one WorkspaceEdit over every file of the project (the same plan as the CLI).
import { CodeAction, CodeActionKind, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { Edit } from '../engine/findings';
import { torchFamily, torchKnowledge, type TorchFamilyPackage } from '../engine/kb/torch';
import type { KnowledgeBase } from '../engine/kb/types';
import { LineIndex } from '../engine/line-index';
import type { Project } from '../engine/project';
import { exactVersion } from '../engine/rules/support/pins';
import { planUpgrade } from '../engine/upgrade';
import { uvIndexPlan } from '../engine/uv-index';

export const upgradeActionKind = `${CodeActionKind.RefactorRewrite}.pinwise.upgrade`;
/** Run after the upgrade's edit: says what it left as written (a base image, a lock, a retired conda channel). */
export const upgradeNotesCommand = 'pinwise.showUpgradeNotes';
export const uvIndexActionKind = `${CodeActionKind.RefactorRewrite}.pinwise.uvIndex`;

/**
 * Actions for the torch-family pin at `offset` of `file`: align the project on that pin's release row,
 * and move it to the newest release the knowledge base has. `uriOf` names a project file for the edit.
 */
export function upgradeActions(project: Project, kb: KnowledgeBase, file: string, offset: number, uriOf: (path: string) => string): CodeAction[] {
  const view = torchKnowledge(kb);
  const pin = project.parsed.get(file)?.requirements.find((r) => r.span.start <= offset && offset <= r.span.end);
  const pkg = pin?.normalizedName as TorchFamilyPackage | undefined;
  if (!view || !pin || !pkg || !torchFamily.includes(pkg)) return [];
  const targets: string[] = [];
  const pinned = exactVersion(pin);
  const own = pinned ? view.releaseOf(pkg, pinned)?.torch : undefined;
  if (own) targets.push(own);
  const newest = view.releases[0]?.torch;
  if (newest && !targets.includes(newest)) targets.push(newest);
  const actions: CodeAction[] = [];
  for (const torch of targets) {
    const plan = planUpgrade(project, kb, { torch });
    if (!plan.ok || plan.edits.length === 0) continue;
    const files = new Set(plan.edits.map((e) => e.file));
    const left = plan.notes.length > 0 ? `; ${plan.notes.length} left as written` : '';
    const title = `Pinwise: Upgrade the PyTorch family to torch ${torch} in every file (${plan.edits.length} change${plan.edits.length === 1 ? '' : 's'} in ${files.size} file${files.size === 1 ? '' : 's'}${left})`;
    const action = CodeAction.create(title, workspaceEdit(project, plan.edits, uriOf), upgradeActionKind);
    // The CLI prints what it left; the editor says it once the edit is applied.
    if (plan.notes.length > 0) {
      const notes = plan.notes.map((note) => `${note.file}:${new LineIndex(project.sources.get(note.file)?.text ?? '').positionAt(note.span.start).line + 1}: ${note.message}`);
      action.command = { title: 'Show what the upgrade left', command: upgradeNotesCommand, arguments: [{ torch, notes }] };
    }
    actions.push(action);
  }
  // In a pyproject.toml that tells uv nothing about PyTorch's index: add it, for the build the project pins.
  const uv = uvIndexPlan(project, kb, file);
  if (uv) actions.push(CodeAction.create(`Pinwise: Install the PyTorch family from PyTorch's ${uv.variant} index with uv (from ${uv.from})`, workspaceEdit(project, [uv.edit], uriOf), uvIndexActionKind));
  return actions;
}

function workspaceEdit(project: Project, edits: readonly Edit[], uriOf: (path: string) => string): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  const indexes = new Map<string, LineIndex>();
  for (const edit of edits) {
    let index = indexes.get(edit.file);
    if (!index) indexes.set(edit.file, (index = new LineIndex(project.sources.get(edit.file)?.text ?? '')));
    (changes[uriOf(edit.file)] ??= []).push({ range: { start: index.positionAt(edit.span.start), end: index.positionAt(edit.span.end) }, newText: edit.text });
  }
  return { changes };
}
