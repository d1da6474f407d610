// Notebooks opened in the editor reach the server by LSP notebook document sync: their cells are
// text documents of their own (`vscode-notebook-cell:` URIs). The analysis reads a notebook as
// the `.ipynb` text its cells would be saved as, so the engine sees one kind of notebook however
// it arrives; findings and fixes are then moved from that text onto the cells.
import {
  CodeAction,
  CodeActionKind,
  NotebookCellKind,
  NotebookDocuments,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type NotebookDocument,
  type Range,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { AnalysisResult } from '../engine/analyze';
import type { Finding } from '../engine/findings';
import { documentationActions, fixActions, type PlaceEdit } from './actions';
import { pushAll } from '../engine/arrays';
import { notebookTypes } from '../engine/kinds';
import { LineIndex } from '../engine/line-index';
import { cellLocator, type CellPosition } from '../engine/parsers/notebook';

/** The server's `notebookDocumentSync` capability: every cell of the registry's notebook types, markdown included (cells are numbered over all of them). */
export const notebookDocumentSync = { notebookSelector: notebookTypes.map((notebookType) => ({ notebook: { notebookType, scheme: 'file' } })) };

export interface OpenNotebook {
  /** The notebook's own `file:` URI and path. */
  uri: string;
  fsPath: string;
  version: number;
  /** The `.ipynb` text its cells would be saved as. */
  text: string;
  /** Cell document URIs, in cell order. */
  cells: string[];
}

/**
 * The cells as an nbformat 4 notebook: code cells in Python as `code`, other code cells as `raw`
 * (not Python), markup as `markdown`; each line its own string, as Jupyter writes them.
 */
export function notebookJson(cells: readonly { kind: NotebookCellKind; languageId: string; text: string }[]): string {
  const lines = (text: string) => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const json = {
    cells: cells.map((cell) => {
      const type = cell.kind === NotebookCellKind.Markup ? 'markdown' : cell.languageId === 'python' ? 'code' : 'raw';
      return { cell_type: type, metadata: {}, source: lines(cell.text), ...(type === 'code' ? { execution_count: null, outputs: [] } : {}) };
    }),
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(json, null, 1);
}

export class Notebooks {
  private readonly documents = new NotebookDocuments(TextDocument);
  /** Open notebooks' URIs, in the order they were opened. */
  private readonly openUris = new Set<string>();

  /** `changed(fsPath, reason)`: a notebook was opened, edited, saved or closed; its folder should be analysed. */
  constructor(
    private readonly pathOf: (uri: string) => string | null,
    private readonly changed: (fsPath: string, reason: 'open' | 'change' | 'save' | 'other') => void,
  ) {
    const notify = (notebook: NotebookDocument, reason: 'open' | 'change' | 'save' | 'other') => {
      const path = this.pathOf(notebook.uri);
      if (path !== null) this.changed(path, reason);
    };
    this.documents.onDidOpen((notebook) => {
      this.openUris.add(notebook.uri);
      notify(notebook, 'open');
    });
    this.documents.onDidChange((event) => notify(event.notebookDocument, 'change'));
    this.documents.onDidClose((notebook) => {
      this.openUris.delete(notebook.uri);
      notify(notebook, 'other');
    });
    this.documents.onDidSave((notebook) => notify(notebook, 'save'));
  }

  listen(connection: Connection): void {
    this.documents.listen(connection);
  }

  /** Open notebooks, each as the .ipynb text of its cells now. */
  open(): OpenNotebook[] {
    const out: OpenNotebook[] = [];
    for (const uri of this.openUris) {
      const notebook = this.documents.getNotebookDocument(uri);
      const fsPath = this.pathOf(uri);
      if (!notebook || fsPath === null) continue;
      const cells = notebook.cells.map((cell) => {
        const doc = this.documents.getCellTextDocument(cell);
        return { kind: cell.kind, languageId: doc?.languageId ?? '', text: doc?.getText() ?? '' };
      });
      out.push({ uri, fsPath, version: notebook.version, text: notebookJson(cells), cells: notebook.cells.map((cell) => cell.document) });
    }
    return out;
  }

  isCell(uri: string): boolean {
    return this.documents.getNotebookCell(uri) !== undefined;
  }

  /** The notebook a cell belongs to, as it stands now. */
  notebookOfCell(uri: string): OpenNotebook | undefined {
    const notebook = this.documents.findNotebookDocumentForCell(uri);
    return notebook ? this.open().find((open) => open.uri === notebook.uri) : undefined;
  }

  /**
   * Where a span of an open notebook's .ipynb text lies in its cells, or null (not an open
   * notebook, or outside every cell's source). `text`: the analysed text of `path`.
   */
  placer(result: AnalysisResult, path: string, notebook: OpenNotebook | undefined): ((span: { start: number; end: number }) => { uri: string; range: Range; inCell: boolean } | null) | null {
    const cells = result.project.parsed.get(path)?.cells;
    const text = result.project.sources.get(path)?.text;
    if (!notebook || !cells || text !== notebook.text) return null;
    const locate = cellLocator(text, cells);
    return (span) => {
      const start = locate(span.start);
      const end = locate(span.end);
      const uri = start ? notebook.cells[start.cell - 1] : undefined;
      // Not in any cell's source (a note on the whole notebook): on the first cell's start.
      if (!start || !end || !uri) return notebook.cells[0] ? { uri: notebook.cells[0], range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, inCell: false } : null;
      return { uri, range: { start: positionOf(start), end: start.cell === end.cell ? positionOf(end) : positionOf(start) }, inCell: start.cell === end.cell };
    };
  }

  /** Open notebooks by their project path in a folder: `relative(fsPath)` or null when outside it. */
  byPath(relative: (fsPath: string) => string | null): Map<string, OpenNotebook> {
    const out = new Map<string, OpenNotebook>();
    for (const notebook of this.open()) {
      const path = relative(notebook.fsPath);
      if (path !== null) out.set(path, notebook);
    }
    return out;
  }

  /**
   * Quick fixes for a cell's diagnostics: the fixes of the findings published there, their edits
   * moved onto the cells (unescaped: the engine wrote them JSON-escaped for the .ipynb text).
   */
  quickFixes(params: CodeActionParams, result: AnalysisResult, path: string, notebook: OpenNotebook, uriOf: (file: string) => string, docsHref: (ruleId: string) => string): CodeAction[] {
    const place = this.placer(result, path, notebook);
    if (!place) return [];
    const only = params.context.only;
    if (only && !only.some((kind) => CodeActionKind.QuickFix === kind || CodeActionKind.QuickFix.startsWith(`${kind}.`))) return [];
    const actions: CodeAction[] = [];
    const indexes = new Map<string, LineIndex>();
    const editOf: PlaceEdit = (edit) => {
      if (edit.file === path) {
        const placed = place(edit.span);
        return placed?.inCell ? { uri: placed.uri, edit: { range: placed.range, newText: unescapeJson(edit.text) } } : null;
      }
      const text = result.project.sources.get(edit.file)?.text;
      if (text === undefined || edit.file.startsWith('../')) return null;
      let index = indexes.get(edit.file);
      if (!index) indexes.set(edit.file, (index = new LineIndex(text)));
      return { uri: uriOf(edit.file), edit: { range: { start: index.positionAt(edit.span.start), end: index.positionAt(edit.span.end) }, newText: edit.text } };
    };
    const matched: { diagnostic: Diagnostic; finding: Finding }[] = [];
    for (const diagnostic of params.context.diagnostics) {
      if (diagnostic.source !== 'pinwise') continue;
      for (const finding of result.findings) {
        if (finding.file !== path || finding.ruleId !== diagnostic.code) continue;
        const placed = place(finding.span);
        if (!placed || placed.uri !== params.textDocument.uri || !sameRange(placed.range, diagnostic.range) || finding.message !== diagnostic.message) continue;
        matched.push({ diagnostic, finding });
        pushAll(actions, fixActions(finding, diagnostic, editOf));
      }
    }
    pushAll(actions, documentationActions(matched, docsHref));
    return actions;
  }
}

const positionOf = (position: CellPosition) => ({ line: position.line, character: position.character });
const sameRange = (a: Range, b: Range) => a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;

/** A fix's text as the cell holds it (the engine escaped it for the .ipynb text). */
function unescapeJson(text: string): string {
  try {
    return JSON.parse(`"${text}"`) as string;
  } catch {
    return text;
  }
}
