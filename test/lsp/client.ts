// A minimal LSP client over a real stdio connection to the built dist/server.js.
// Every wait is on an event (a notification or a response), never on a sleep.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { ConfigurationRequest, WorkDoneProgress } from 'vscode-languageserver-protocol';
import type {
  ApplyWorkspaceEditParams,
  CodeAction,
  Diagnostic,
  InitializeResult,
  PublishDiagnosticsParams,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { LineIndex } from '../../server/src/engine';
import { statusNotification, type ServerStatus } from '../../server/src/lsp/status';
import { nodeFlags } from '../support/node-flags';

export const serverPath = join(__dirname, '..', '..', 'dist', 'server.js');

export function uriOf(path: string): string {
  return pathToFileURL(path).href;
}

/** Applies LSP text edits (UTF-16 positions) to a text, from the end. */
export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const index = new LineIndex(text);
  const spans = edits
    .map((e) => ({ start: index.offsetAt(e.range.start), end: index.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

/** The edits of one document in a WorkspaceEdit, whichever shape the server used. */
export function editsFor(edit: WorkspaceEdit, uri: string): TextEdit[] {
  const out: TextEdit[] = [...(edit.changes?.[uri] ?? [])];
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === uri) out.push(...(change.edits as TextEdit[]));
  }
  return out;
}

interface Waiter {
  uri: string;
  accept: (diagnostics: Diagnostic[]) => boolean;
  resolve: (diagnostics: Diagnostic[]) => void;
}

export class TestClient {
  readonly connection: MessageConnection;
  readonly process: ChildProcessWithoutNullStreams;
  /** What `workspace/configuration` answers for section `pinwise`. */
  settings: Record<string, unknown> = {};
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly publishCount = new Map<string, number>();
  /** Every publication, in order. */
  readonly history: PublishDiagnosticsParams[] = [];
  /** Every `pinwise/status` notification, in order. */
  readonly statuses: ServerStatus[] = [];
  private conditions: { check: () => boolean; resolve: () => void }[] = [];
  private statusWaiters: { accept: (status: ServerStatus) => boolean; resolve: (status: ServerStatus) => void }[] = [];
  readonly logs: string[] = [];
  readonly stderr: string[] = [];
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  private waiters: Waiter[] = [];
  private exited: Promise<number | null>;

  constructor(args: string[] = ['--stdio']) {
    if (!existsSync(serverPath)) throw new Error(`${serverPath} is missing: run \`npm run build\` first`);
    this.process = spawn(process.execPath, [...nodeFlags, serverPath, ...args], { stdio: 'pipe' });
    this.process.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.exited = new Promise((resolve) => this.process.on('exit', (code) => resolve(code)));
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout), new StreamMessageWriter(this.process.stdin));
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.diagnostics.set(params.uri, params.diagnostics);
      this.publishCount.set(params.uri, (this.publishCount.get(params.uri) ?? 0) + 1);
      this.history.push(params);
      const ready = this.waiters.filter((w) => w.uri === params.uri && w.accept(params.diagnostics));
      this.waiters = this.waiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve(params.diagnostics);
      this.checkConditions();
    });
    this.connection.onNotification(statusNotification, (status: ServerStatus) => {
      this.statuses.push(status);
      const ready = this.statusWaiters.filter((w) => w.accept(status));
      this.statusWaiters = this.statusWaiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve(status);
      this.checkConditions();
    });
    this.connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.logs.push(params.message);
    });
    this.connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => (item.section === 'pinwise' ? this.settings : null)));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onRequest('workspace/applyEdit', (params: ApplyWorkspaceEditParams) => {
      for (const [uri, text] of this.texts) {
        const edits = editsFor(params.edit, uri);
        if (edits.length > 0) this.change(uri, applyTextEdits(text, edits));
      }
      return { applied: true };
    });
    this.connection.listen();
  }

  /** `folders`: the workspace folders (default: the root alone). */
  async initialize(rootPath: string, folders: string[] = [rootPath]): Promise<InitializeResult> {
    const rootUri = uriOf(rootPath);
    const result = await this.connection.sendRequest<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: folders.map((folder, i) => ({ uri: uriOf(folder), name: `test${i}` })),
      capabilities: {
        workspace: {
          configuration: true,
          didChangeConfiguration: { dynamicRegistration: true },
          didChangeWatchedFiles: { dynamicRegistration: true },
          applyEdit: true,
          workspaceEdit: { documentChanges: true },
          workspaceFolders: true,
        },
        window: { workDoneProgress: true },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, tagSupport: { valueSet: [1, 2] }, codeDescriptionSupport: true, dataSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } }, isPreferredSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
      },
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Collects the `$/progress` values the server sends for `token`. */
  trackProgress(token: string): { kind: string; message?: string; percentage?: number }[] {
    const values: { kind: string; message?: string; percentage?: number }[] = [];
    this.connection.onProgress(WorkDoneProgress.type, token, (value) => {
      values.push(value);
    });
    return values;
  }

  text(uri: string): string {
    return this.texts.get(uri)!;
  }

  open(uri: string, text: string, languageId = 'pip-requirements'): void {
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  change(uri: string, text: string): void {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  close(uri: string): void {
    this.texts.delete(uri);
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Opens a notebook by notebook document sync: every cell a text document of its own (`kind` 1 markup, 2 code). */
  openNotebook(uri: string, cells: { uri: string; kind: 1 | 2; languageId: string; text: string }[], notebookType = 'jupyter-notebook'): void {
    this.versions.set(uri, 1);
    for (const cell of cells) this.texts.set(cell.uri, cell.text);
    void this.connection.sendNotification('notebookDocument/didOpen', {
      notebookDocument: { uri, notebookType, version: 1, cells: cells.map((cell) => ({ kind: cell.kind, document: cell.uri })) },
      cellTextDocuments: cells.map((cell) => ({ uri: cell.uri, languageId: cell.languageId, version: 1, text: cell.text })),
    });
  }

  /** Replaces one cell's text in an open notebook. */
  changeNotebookCell(uri: string, cellUri: string, text: string): void {
    const version = (this.versions.get(uri) ?? 0) + 1;
    const cellVersion = (this.versions.get(cellUri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.versions.set(cellUri, cellVersion);
    this.texts.set(cellUri, text);
    void this.connection.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri, version },
      change: { cells: { textContent: [{ document: { uri: cellUri, version: cellVersion }, changes: [{ text }] }] } },
    });
  }

  closeNotebook(uri: string, cellUris: string[]): void {
    for (const cell of cellUris) this.texts.delete(cell);
    void this.connection.sendNotification('notebookDocument/didClose', { notebookDocument: { uri }, cellTextDocuments: cellUris.map((cell) => ({ uri: cell })) });
  }

  /** Resolves with the first published diagnostics for `uri` that satisfy `accept` (already published ones count). */
  waitForDiagnostics(uri: string, accept: (diagnostics: Diagnostic[]) => boolean = () => true, includeCurrent = true): Promise<Diagnostic[]> {
    const current = this.diagnostics.get(uri);
    if (includeCurrent && current && accept(current)) return Promise.resolve(current);
    return new Promise((resolve) => this.waiters.push({ uri, accept, resolve }));
  }

  /** Resolves with the first status that satisfies `accept` (the latest one counts). */
  waitForStatus(accept: (status: ServerStatus) => boolean, includeCurrent = true): Promise<ServerStatus> {
    const current = this.statuses.at(-1);
    if (includeCurrent && current && accept(current)) return Promise.resolve(current);
    return new Promise((resolve) => this.statusWaiters.push({ accept, resolve }));
  }

  /** Resolves when `check` holds, tried now and after every publication and status. */
  waitUntil(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.conditions.push({ check, resolve }));
  }

  private checkConditions(): void {
    const met = this.conditions.filter((c) => c.check());
    this.conditions = this.conditions.filter((c) => !met.includes(c));
    for (const c of met) c.resolve();
  }

  /** Tells the server files changed on disk (`type` 1 created, 2 changed, 3 deleted). */
  filesChanged(changes: { uri: string; type: 1 | 2 | 3 }[]): void {
    void this.connection.sendNotification('workspace/didChangeWatchedFiles', { changes });
  }

  /** Diagnostics of every URI as last published, non-empty ones only. */
  published(): Map<string, Diagnostic[]> {
    return new Map([...this.diagnostics].filter(([, d]) => d.length > 0));
  }

  codeActions(uri: string, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return this.connection.sendRequest<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, ...(only ? { only } : {}) } });
  }

  async shutdown(): Promise<number | null> {
    if (this.process.exitCode === null) {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    }
    const code = await this.exited;
    this.connection.dispose();
    return code;
  }
}
