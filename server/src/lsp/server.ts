// The language server: a thin adapter from LSP to the engine's analyze().
// No network, no child processes, nothing on stdout but the protocol.
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Ignore } from 'ignore';
import {
  CodeAction,
  type CodeActionParams,
  CodeActionKind,
  CodeActionTriggerKind,
  DiagnosticSeverity,
  DiagnosticTag,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ExecuteCommandRequest,
  FileChangeType,
  LSPErrorCodes,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type TextDocumentEdit,
  type TextEdit,
  type WorkDoneProgressReporter,
  type WorkDoneProgressServerReporter,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  analyze,
  emptyKnowledgeBase,
  fileKindOf,
  fixAll,
  hoverAt,
  LineIndex,
  type AnalysisInput,
  type AnalysisResult,
  bulkFix,
  type Edit,
  type Finding,
  type KnowledgeBase,
} from '../engine';
import type { Grammars } from '../engine/grammars';
import { pushAll } from '../engine/arrays';
import { fileKindOfText, kindSpec, mayBeKindByContent, watchedGlobs } from '../engine/kinds';
import { boundaryAt, realPathOrSelf, type Boundary } from '../host/boundary';
import { writableFile } from '../host/safe-write';
import { absolutePathOf, discoverFiles, readTextFile } from '../host/files';
import { defaultEnvironmentDir, locateEnvironment, readEnvironment } from '../host/environment';
import type { InstalledEnvironmentInput } from '../engine/installed';
import type { ParseCache } from '../engine/project';
import { loadFolderFiles, pruneParseCache } from './load';
import { auditFolder, buildReport, type AuditFolder, type AuditReport } from './audit';
import { compileSettingPatterns, loadProjectConfig } from '../host/settings';
import { defaultServerSettings, parseServerSettings, withProjectConfig, type DiagnosticScope, type ServerSettings } from './config';
import { knowledgeDate } from '../engine/kb/knowledge';
import { budgetHits, debugInfoRequest, emptyCounts, firstSentence, statusNotification, type BudgetHit, type DebugInfo, type ServerStatus } from './status';
import { fileIgnoreEdit, ignoreCommentEdit, minimalEdit } from './edits';
import { pinwiseVersion } from '../version';
import { upgradeActionKind, upgradeActions, upgradeNotesCommand } from './upgrade-action';
import { Notebooks, notebookDocumentSync } from './notebooks';
import { actionTitle, documentationActions, fixActions, ruleDocsHref, type PlaceEdit } from './actions';

export const serverName = 'pinwise';
const fixAllTitle = 'Pinwise: Fix all safe problems in this file';
const workspaceFixAnnotation = 'pinwise.fixAllWorkspace';
export const fixAllKind = `${CodeActionKind.SourceFixAll}.pinwise`;
export const commands = { audit: 'pinwise.audit', applyFixAll: 'pinwise.applyFixAll', fixAllWorkspace: 'pinwise.fixAllWorkspace' } as const;

/** What `pinwise.fixAllWorkspace` answers. */
export interface WorkspaceFixResult {
  /**
   * The safe fixes (and the pin changes `pinwise.fixAll.includePinChanges` takes) of every file of every workspace folder, one
   * TextDocumentEdit per file (open files carry their version), each edit annotated as needing confirmation: the client shows a preview.
   */
  edit: WorkspaceEdit;
  /** URIs of the files the edit changes. */
  files: string[];
  /** Whether the client applied it (null: not asked to). */
  applied: boolean | null;
  reason: string | null;
  /** Files with safe fixes that are not fixable automatically (a symbolic link, outside the folder), and why. */
  notFixed: { uri: string; reason: string }[];
}


export interface ServerOptions {
  /** Folder holding the knowledge base (rules/*.yaml and rules/schema). */
  loadKnowledgeBase: () => KnowledgeBase;
  loadGrammars?: () => Promise<Grammars>;
  /** Delay between the last keystroke and the analysis. */
  debounceMs?: number;
  /** The rule pages shipped with the server (`docs/rules`), opened by the diagnostics' code links. */
  docsDir?: string;
  /** Workspace scope: delay between the last keystroke and the whole-folder run that follows the quick one. */
  settleMs?: number;
}

/**
 * What a diagnostic carries: a key into the server's own analysis, never edits. A code action
 * request's diagnostics come from the client and may be forged; their fixes are looked up by
 * this key in the analysis of the document's current version, so only edits the server
 * computed itself are ever offered.
 */
interface DiagnosticData {
  /** Document version the finding was published for (null: the file was not open). */
  version: number | null;
  id: string;
}

interface Folder {
  uri: string;
  root: string;
  /** A workspace folder (walked for dependency files) or the folder of a loose file (not walked). */
  walk: boolean;
  /** Nothing outside it is read, published or edited: the workspace folder (a loose file's folder). */
  boundary: Boundary;
  discovered: Set<string> | null;
  /** Disk text by project path, dropped when the watcher says the file changed. */
  disk: Map<string, string>;
  /** Parses of the last analysis: an edit re-parses only the edited file. */
  parses: ParseCache;
  settings: Promise<ServerSettings> | null;
  last: { result: AnalysisResult; versions: Map<string, number>; uris: Map<string, string> } | null;
  /** URIs this folder last published non-empty diagnostics for. */
  published: Set<string>;
  timer: NodeJS.Timeout | null;
  reasons: Set<'open' | 'change' | 'save' | 'other'>;
  /** The installed environment as last read (undefined: not read since it last changed). */
  installed: { setting: string; input: InstalledEnvironmentInput | null } | undefined;
  /** Bumped by every change: a run that sees it move was superseded and stops. */
  generation: number;
  /** Workspace scope, after a keystroke's quick run: the whole-folder run due once typing pauses. */
  settle: NodeJS.Timeout | null;
  /** The run in progress (awaited by the audit). */
  running: Promise<void> | null;
  /** A run is reading or analysing (shown as "checking"). */
  checking: boolean;
  /** The scope of the last run (null: none yet). */
  scope: DiagnosticScope | null;
  /** The last run checked every file of the folder, with grammars, and nothing changed since it began. */
  complete: boolean;
  /** What was published per URI: the status item's counts are the Problems panel's. */
  diagnostics: Map<string, Diagnostic[]>;
  budgets: BudgetHit[];
  fileCount: number;
}

type Kind = ReturnType<typeof fileKindOf>;

function pathOf(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function projectPath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

function matcher(patterns: string[], key: 'include' | 'exclude', onProblem: (message: string) => void): Ignore | null {
  return patterns.length > 0 ? compileSettingPatterns(patterns, key, onProblem) : null;
}

const severityOf = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, note: DiagnosticSeverity.Information } as const;

export function startServer(connection: Connection, options: ServerOptions): void {
  const documents = new TextDocuments(TextDocument);
  // Notebooks opened as notebooks: their cells come by notebook sync (notebooks.ts).
  const notebooks = new Notebooks(pathOf, (path, reason) => schedule(folderFor(path), reason, reason === 'open' ? 0 : debounceMs));
  const folders = new Map<string, Folder>();
  const debounceMs = options.debounceMs ?? 150;
  const settleMs = options.settleMs ?? 1000;
  let kb: KnowledgeBase = emptyKnowledgeBase();
  let grammars: Grammars | undefined;
  let canPullConfiguration = false;
  let canWatchDynamically = false;
  let canCreateProgress = false;
  let ready: Promise<void> = Promise.resolve();
  /** True from initialize until the tree-sitter grammars have loaded (or failed to). */
  let grammarsLoading = false;
  let grammarsState: DebugInfo['grammars'] = 'none';
  /** The client said `initialized`: the first runs are scheduled. */
  let initialized = false;

  const log = (message: string): void => connection.console.log(`[${new Date().toISOString().slice(11, 23)}] ${message}`);
  const logError = (message: string): void => connection.console.error(`[${new Date().toISOString().slice(11, 23)}] ${message}`);

  const makeFolder = (uri: string, root: string, walk: boolean): Folder => ({
    uri,
    root,
    walk,
    boundary: boundaryAt(root),
    discovered: null,
    disk: new Map(),
    parses: new Map(),
    settings: null,
    last: null,
    published: new Set(),
    timer: null,
    reasons: new Set(),
    installed: undefined,
    generation: 0,
    settle: null,
    running: null,
    checking: false,
    scope: null,
    complete: false,
    diagnostics: new Map(),
    budgets: [],
    fileCount: 0,
  });

  /** The innermost workspace folder holding `path`, or a folder of its own for a loose file. */
  const folderFor = (path: string): Folder => {
    let best: Folder | undefined;
    for (const folder of folders.values()) {
      if (folder.walk && isInside(folder.root, path) && (!best || folder.root.length > best.root.length)) best = folder;
    }
    if (best) return best;
    const root = dirname(path);
    const key = pathToFileURL(root).href;
    let loose = folders.get(key);
    if (!loose || loose.walk) {
      loose = makeFolder(key, root, false);
      folders.set(key, loose);
    }
    return loose;
  };

  const settingsOf = (folder: Folder): Promise<ServerSettings> => {
    folder.settings ??= (async () => {
      let editor = defaultServerSettings();
      if (canPullConfiguration) {
        try {
          const raw: unknown = await connection.workspace.getConfiguration({ scopeUri: folder.uri, section: 'pinwise' });
          editor = parseServerSettings(raw);
        } catch (error) {
          logError(`Could not read settings for ${folder.root}: ${String(error)}`);
        }
      }
      // [tool.pinwise] in pyproject.toml, under the editor settings (see host/settings.ts).
      const project = loadProjectConfig(folder.root);
      for (const problem of project.problems) logError(problem);
      if (project.file) log(`Using [tool.pinwise] from ${project.file}`);
      return withProjectConfig(editor, project.config);
    })();
    return folder.settings;
  };

  const openDocumentsIn = (folder: Folder): TextDocument[] =>
    documents.all().filter((doc) => {
      const path = pathOf(doc.uri);
      return path !== null && folderFor(path) === folder;
    });

  /** A file's kind from its name, or for a name that leaves it open, from its open or last-read text. */
  const kindOf = (path: string): Kind => {
    const slashed = path.split(sep).join('/');
    const kind = fileKindOf(slashed);
    if (kind !== null || !mayBeKindByContent(slashed)) return kind;
    const open = documents.all().find((doc) => pathOf(doc.uri) === path);
    const folder = folderFor(path);
    const text = open?.getText() ?? folder.disk.get(projectPath(folder.root, path));
    return text === undefined ? null : fileKindOfText(slashed, text);
  };

  /** Which files the analysis reads: dependency files (every .py file too in an audit) plus open documents. */
  const inputsFor = (folder: Folder, settings: ServerSettings, everything: boolean, rewalk = false): { input: AnalysisInput; versions: Map<string, number>; uris: Map<string, string> } => {
    const include = matcher(settings.include, 'include', logError);
    const exclude = matcher(settings.exclude, 'exclude', logError);
    const selected = (path: string): boolean => {
      const rel = projectPath(folder.root, path);
      if (rel.startsWith('..')) return true;
      if (exclude?.ignores(rel)) return false;
      return include ? include.ignores(rel) : true;
    };
    if (folder.walk && (folder.discovered === null || rewalk)) folder.discovered = new Set(safeDiscover(folder));
    const paths = new Set<string>();
    for (const path of folder.discovered ?? []) {
      if (!selected(path)) continue;
      if (!everything && kindOf(path) === 'python') continue; // openFiles scope: .py files are analysed when open, or by the audit
      paths.add(path);
    }
    const open = new Map<string, string>();
    const versions = new Map<string, number>();
    const uris = new Map<string, string>();
    for (const doc of openDocumentsIn(folder)) {
      const path = pathOf(doc.uri)!;
      if (!selected(path)) continue;
      const rel = projectPath(folder.root, path);
      open.set(rel, doc.getText());
      versions.set(rel, doc.version);
      uris.set(rel, doc.uri);
      paths.add(path);
    }
    for (const notebook of notebooks.open()) {
      if (folderFor(notebook.fsPath) !== folder || !selected(notebook.fsPath)) continue;
      const rel = projectPath(folder.root, notebook.fsPath);
      open.set(rel, notebook.text);
      versions.set(rel, notebook.version);
      uris.set(rel, notebook.uri);
      paths.add(notebook.fsPath);
    }
    const loaded = loadFolderFiles(folder.root, [...paths], open, folder.disk, grammars, folder.parses, folder.boundary);
    const installed = folder.walk ? installedFor(folder, settings.environment) : null;
    return {
      input: { files: loaded.files, unreadable: loaded.unreadable, settings: settings.engine, kb, grammars, parseCache: folder.parses, installed: installed ? [installed] : [] },
      versions,
      uris,
    };
  };

  /** The folder's installed environment, read once until its metadata changes (metadata files only). */
  const installedFor = (folder: Folder, setting: string): InstalledEnvironmentInput | null => {
    if (folder.installed && folder.installed.setting === setting) return folder.installed.input;
    let input: InstalledEnvironmentInput | null = null;
    if (setting !== 'none') {
      const dir = setting === '' ? defaultEnvironmentDir(folder.root, folder.boundary) : isAbsolute(setting) ? setting : join(folder.root, setting);
      const location = dir ? locateEnvironment(dir) : null;
      if (dir && location) {
        const label = relative(folder.root, location.dir).split(sep).join('/') || location.dir;
        // Found in the folder: read within its boundary. Named in the settings: the user's choice.
        input = readEnvironment(location, folder.root, label.startsWith('..') ? location.dir : label, setting === '' ? folder.boundary : undefined);
        log(`Installed environment ${location.dir}: ${input.distributions.length} distributions, Python ${location.python ?? 'unknown'}`);
      } else if (setting !== '') {
        logError(`pinwise.environment: ${setting} is not a virtualenv, a conda environment or a site-packages folder`);
      }
    }
    folder.installed = { setting, input };
    return input;
  };

  const safeDiscover = (folder: Folder): string[] => {
    try {
      return discoverFiles(folder.root, { boundary: folder.boundary, onProblem: logError });
    } catch (error) {
      logError(`Could not list ${folder.root}: ${String(error)}`);
      return [];
    }
  };

  /** `readStarted`: when reading the inputs began (they are parsed while includes are followed). */
  const runAnalysis = (input: AnalysisInput, readStarted: number): AnalysisResult => {
    const started = performance.now();
    const result = analyze(input);
    if (input.parseCache) pruneParseCache(input.parseCache, result.project.parsed);
    for (const failure of result.internalErrors) logError(`Rule ${failure.ruleId} failed (its findings are missing): ${failure.message}`);
    const now = performance.now();
    log(`Analysed ${input.files.length} file(s): ${result.findings.length} finding(s) in ${(now - readStarted).toFixed(1)} ms (reading and parsing ${(started - readStarted).toFixed(1)} ms, rules ${(now - started).toFixed(1)} ms)`);
    return result;
  };

  const uriFor = (folder: Folder, path: string, uris: Map<string, string>): string => uris.get(path) ?? pathToFileURL(resolve(folder.root, path)).href;

  const toDiagnostics = (folder: Folder, result: AnalysisResult, versions: Map<string, number>, uris: Map<string, string>, short: boolean, docsUrl: string): Map<string, Diagnostic[]> => {
    const indexes = new Map<string, LineIndex>();
    const indexOf = (path: string): LineIndex => {
      let index = indexes.get(path);
      if (!index) {
        index = new LineIndex(result.project.sources.get(path)?.text ?? '');
        indexes.set(path, index);
      }
      return index;
    };
    const rangeOf = (path: string, span: { start: number; end: number }) => ({ start: indexOf(path).positionAt(span.start), end: indexOf(path).positionAt(span.end) });
    // A finding in an open notebook goes on its cell, at the cell's own line and character.
    const openNotebooks = notebooks.byPath((path) => (folderFor(path) === folder ? projectPath(folder.root, path) : null));
    const placers = new Map<string, ReturnType<Notebooks['placer']>>();
    const placeOf = (path: string, span: { start: number; end: number }) => {
      if (!placers.has(path)) placers.set(path, notebooks.placer(result, path, openNotebooks.get(path)));
      return placers.get(path)?.(span) ?? null;
    };
    const byUri = new Map<string, Diagnostic[]>();
    for (const finding of result.findings) {
      if (!isInside(folder.root, resolve(folder.root, finding.file))) continue; // never a diagnostic outside the folder
      const placed = placeOf(finding.file, finding.span);
      const uri = placed?.uri ?? uriFor(folder, finding.file, uris);
      const data: DiagnosticData = { version: versions.get(finding.file) ?? null, id: findingId(finding) };
      const diagnostic: Diagnostic = {
        range: placed?.range ?? rangeOf(finding.file, finding.span),
        severity: severityOf[finding.level],
        code: finding.ruleId,
        codeDescription: { href: ruleDocsHref(finding.ruleId, docsUrl, options.docsDir) },
        source: serverName,
        message: short ? firstSentence(finding.message) : finding.message,
        data,
      };
      if (finding.related.length > 0) {
        diagnostic.relatedInformation = finding.related.map((r) => {
          const inCell = placeOf(r.file, r.span);
          return { location: inCell ?? { uri: uriFor(folder, r.file, uris), range: rangeOf(r.file, r.span) }, message: r.message };
        });
      }
      if (finding.deprecated) diagnostic.tags = [DiagnosticTag.Deprecated];
      if (!byUri.has(uri)) byUri.set(uri, []);
      byUri.get(uri)!.push(diagnostic);
    }
    return byUri;
  };

  /** Publishes for `targets` (project paths) and refreshes every URI published before. */
  const publish = (folder: Folder, byUri: Map<string, Diagnostic[]>, targetUris: Set<string>, keep: (uri: string) => boolean = () => false): void => {
    const uris = new Set([...targetUris, ...folder.published]);
    for (const uri of uris) {
      if (keep(uri)) continue;
      const diagnostics = byUri.get(uri) ?? [];
      void connection.sendDiagnostics({ uri, diagnostics, version: documents.get(uri)?.version });
      if (diagnostics.length > 0) {
        folder.published.add(uri);
        folder.diagnostics.set(uri, diagnostics);
      } else {
        folder.published.delete(uri);
        folder.diagnostics.delete(uri);
      }
    }
  };

  /** One diagnostic per open document of `folder`, at its current version, saying the analysis failed. */
  const publishFailure = (folder: Folder, error: unknown): void => {
    const reason = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).split('\n')[0]!.slice(0, 200);
    const open = new Set(openDocumentsIn(folder).map((doc) => doc.uri));
    for (const uri of folder.published) if (!open.has(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
    folder.published.clear();
    folder.diagnostics.clear();
    for (const doc of openDocumentsIn(folder)) {
      const diagnostic: Diagnostic = {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: DiagnosticSeverity.Warning,
        source: serverName,
        message: `Pinwise could not analyse this file's folder (internal error: ${reason}), so nothing in it was checked. The Pinwise output has the details.`,
      };
      void connection.sendDiagnostics({ uri: doc.uri, diagnostics: [diagnostic], version: doc.version });
      folder.published.add(doc.uri);
      folder.diagnostics.set(doc.uri, [diagnostic]);
    }
  };

  const clear = (folder: Folder): void => {
    for (const uri of folder.published) void connection.sendDiagnostics({ uri, diagnostics: [] });
    folder.published.clear();
    folder.diagnostics.clear();
  };

  /** Whether `folder` is checked whole (workspace scope) rather than its open files and their environments. */
  const wholeFolder = (folder: Folder, settings: ServerSettings): boolean => folder.walk && settings.diagnosticScope === 'workspace';

  const pause = (): Promise<void> => new Promise((done) => setImmediate(done));

  /**
   * Analyses a folder and publishes: in the workspace scope for every file of the folder, in the
   * openFiles scope for its open documents and every file of their environments. A run stops
   * at its next pause when a newer change (a keystroke, a watcher event) supersedes it.
   */
  const refresh = async (folder: Folder): Promise<void> => {
    const generation = folder.generation;
    const superseded = (): boolean => generation !== folder.generation;
    // Requirements files and pyproject.toml need no tree-sitter: analyse them before the grammars
    // have loaded (first diagnostics come fast), and again once they have (see onInitialize).
    const settings = await settingsOf(folder);
    if (superseded()) return;
    const reasons = folder.reasons;
    folder.reasons = new Set();
    if (!settings.enable) {
      folder.last = null;
      folder.scope = settings.diagnosticScope;
      folder.complete = true; // nothing to check: the folder is off
      folder.budgets = [];
      folder.fileCount = 0;
      clear(folder);
      sendStatus();
      return;
    }
    const typing = reasons.size > 0 && [...reasons].every((r) => r === 'change');
    if (settings.run === 'onSave' && typing) return;
    const whole = wholeFolder(folder, settings);
    folder.scope = settings.diagnosticScope;
    if (!whole && folder.published.size === 0 && openDocumentsIn(folder).length === 0 && !notebooks.open().some((n) => folderFor(n.fsPath) === folder)) {
      folder.complete = false;
      sendStatus();
      return; // openFiles scope and nothing open: nothing to show
    }
    // A whole-folder run that is not a keystroke shows as work-done progress, cancellable by the user.
    let progress: WorkDoneProgressServerReporter | null = null;
    if (whole && !typing && canCreateProgress) {
      try {
        progress = await connection.window.createWorkDoneProgress();
      } catch {
        progress = null; // the client declined: no progress, the run goes on
      }
    }
    const stop = (why: string | null): void => {
      progress?.done();
      folder.checking = false;
      if (why) log(why);
      sendStatus();
    };
    if (superseded()) return stop(null);
    // A keystroke in the workspace scope: first the open files and their environments (as in the
    // openFiles scope, fast), then the whole folder once typing pauses (settleMs).
    const quick = whole && typing;
    folder.checking = true;
    if (!typing) {
      progress?.begin('Pinwise', undefined, folder.discovered ? `checking ${folder.discovered.size} files of ${basename(folder.root)}` : `checking ${basename(folder.root)}`, true);
      sendStatus();
      await pause(); // the client sees "checking", and a change in between supersedes this run
      if (superseded()) return stop(null);
      if (progress?.token.isCancellationRequested) {
        folder.complete = false;
        return stop(`Checking ${folder.root} was cancelled; its diagnostics are of the last complete run`);
      }
    }
    // Read, analyse and publish without yielding: an edit processed in between would make the
    // published version newer than the text the diagnostics were computed for.
    const early = grammarsLoading;
    const readStarted = performance.now();
    let analysed: { result: AnalysisResult; versions: Map<string, number>; uris: Map<string, string>; byUri: Map<string, Diagnostic[]> };
    try {
      const { input, versions, uris } = inputsFor(folder, settings, whole && !quick);
      const result = runAnalysis(input, readStarted);
      analysed = { result, versions, uris, byUri: toDiagnostics(folder, result, versions, uris, settings.shortMessages, settings.docsUrl) };
    } catch (error) {
      // Still publish for every open document's current version: the editor must not keep showing
      // findings of an older text as if they were current (and a later edit may well analyse fine).
      folder.last = null;
      folder.complete = false;
      logError(`Analysis failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      publishFailure(folder, error);
      return stop(null);
    }
    const { result, versions, uris, byUri } = analysed;
    folder.last = { result, versions, uris };
    if (!quick) {
      folder.budgets = budgetHits(result);
      folder.fileCount = result.project.sources.size;
    }
    folder.complete = whole && !early && !quick;
    const targets = new Set<string>();
    for (const doc of openDocumentsIn(folder)) targets.add(doc.uri);
    for (const notebook of notebooks.open()) if (folderFor(notebook.fsPath) === folder) for (const cell of notebook.cells) targets.add(cell);
    if (whole && !quick) for (const uri of byUri.keys()) targets.add(uri);
    for (const env of result.project.environments) {
      if (env.files.some((file) => versions.has(file))) for (const file of env.files) targets.add(uriFor(folder, file, uris));
    }
    if (early) {
      // Without grammars, shell scripts and .py files read as empty: leave their diagnostics alone.
      const needsGrammar = (uri: string): boolean => {
        if (notebooks.isCell(uri)) return true;
        const path = pathOf(uri);
        const kind = path === null ? null : kindOf(path);
        return kind !== null && kindSpec(kind).needsGrammars;
      };
      for (const uri of [...targets]) if (needsGrammar(uri)) targets.delete(uri);
      for (const uri of [...byUri.keys()]) if (needsGrammar(uri)) byUri.delete(uri);
      publish(folder, byUri, targets, (uri) => needsGrammar(uri) || (quick && !targets.has(uri)));
    } else if (quick) publish(folder, byUri, targets, (uri) => !targets.has(uri)); // the rest waits for the whole-folder run
    else publish(folder, byUri, targets);
    if (quick) {
      folder.settle = setTimeout(() => {
        folder.settle = null;
        schedule(folder, 'other', 0);
      }, settleMs);
    }
    stop(null);
  };

  /** Runs `refresh` now (the audit waits on it): a pending or running one is superseded. */
  const runNow = (folder: Folder, reason: 'open' | 'change' | 'save' | 'other' = 'other'): Promise<void> => {
    if (folder.timer) clearTimeout(folder.timer);
    folder.timer = null;
    folder.generation++;
    folder.reasons.add(reason);
    const run = refresh(folder)
      .catch((error: unknown) => logError(`Analysis failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`))
      .finally(() => {
        if (folder.running === run) folder.running = null;
      });
    folder.running = run;
    return run;
  };

  const schedule = (folder: Folder, reason: 'open' | 'change' | 'save' | 'other', delay = debounceMs): void => {
    folder.reasons.add(reason);
    folder.generation++; // a run in progress is behind now
    if (folder.settle) clearTimeout(folder.settle); // re-armed by the quick run this change makes, or superseded by a whole one
    folder.settle = null;
    if (folder.timer) clearTimeout(folder.timer);
    folder.timer = setTimeout(() => {
      folder.timer = null;
      void runNow(folder, reason);
    }, delay);
  };

  /** What the client holds of a folder's diagnostics, by level. */
  const publishedCounts = (folder: Folder): ServerStatus['counts'] => {
    const counts = emptyCounts();
    for (const diagnostics of folder.diagnostics.values()) {
      for (const d of diagnostics) counts[d.severity === DiagnosticSeverity.Error ? 'error' : d.severity === DiagnosticSeverity.Warning ? 'warning' : 'note']++;
    }
    return counts;
  };

  /** The Problems panel's counts, from what was published, and the state of every folder's runs. */
  const currentStatus = (): ServerStatus => {
    const counts = emptyCounts();
    let files = 0;
    const budgets: BudgetHit[] = [];
    const walked = [...folders.values()].filter((f) => f.walk);
    const scopes = new Set(walked.map((f) => f.scope ?? 'workspace'));
    for (const folder of folders.values()) {
      const published = publishedCounts(folder);
      for (const level of ['error', 'warning', 'note'] as const) counts[level] += published[level];
      files += folder.fileCount;
      pushAll(budgets, folder.budgets);
    }
    // Until the grammars are there, shell scripts and .py files wait for the run that follows.
    const checking = grammarsLoading || [...folders.values()].some((f) => f.checking || f.settle !== null);
    const started = initialized && walked.every((f) => f.scope !== null);
    return {
      state: !started ? 'starting' : checking ? 'checking' : 'idle',
      version: pinwiseVersion,
      knowledgeDate: knowledgeDate(kb),
      files,
      counts,
      complete: initialized && !checking && !grammarsLoading && walked.length > 0 && walked.every((f) => f.complete),
      scope: scopes.size > 1 ? 'mixed' : scopes.has('openFiles') ? 'openFiles' : 'workspace',
      budgets,
    };
  };

  const sendStatus = (): void => {
    void connection.sendNotification(statusNotification, currentStatus());
  };

  /** The analysis for `doc` at its current version (re-run now when the debounced one is behind). */
  const currentAnalysis = async (doc: TextDocument): Promise<{ folder: Folder; result: AnalysisResult; uris: Map<string, string>; path: string; settings: ServerSettings } | null> => {
    await ready;
    const fsPath = pathOf(doc.uri);
    if (fsPath === null) return null;
    const folder = folderFor(fsPath);
    const settings = await settingsOf(folder);
    if (!settings.enable) return null;
    const path = projectPath(folder.root, fsPath);
    if (!folder.last || folder.last.versions.get(path) !== doc.version) {
      const readStarted = performance.now();
      const { input, versions, uris } = inputsFor(folder, settings, wholeFolder(folder, settings));
      folder.last = { result: runAnalysis(input, readStarted), versions, uris };
    }
    if (!folder.last.result.project.sources.has(path)) return null;
    return { folder, result: folder.last.result, uris: folder.last.uris, path, settings };
  };

  const fixAllEdit = async (doc: TextDocument): Promise<TextEdit | null> => {
    const current = await currentAnalysis(doc);
    if (!current) return null;
    const { input } = inputsFor(current.folder, current.settings, wholeFolder(current.folder, current.settings));
    const before = doc.getText();
    // A copy of the cache: the fix passes' intermediate texts are of no use to the next keystroke.
    const after = fixAll({ ...input, parseCache: new Map(input.parseCache) }, current.settings.includePinChanges).changed.get(current.path);
    if (after === undefined) return null;
    const edit = minimalEdit(current.path, before, after);
    if (!edit) return null;
    const index = new LineIndex(before);
    return { range: { start: index.positionAt(edit.span.start), end: index.positionAt(edit.span.end) }, newText: edit.text };
  };

  /** Quick fixes on a notebook cell, from the analysis of its notebook as it stands now. */
  const notebookQuickFixes = async (params: CodeActionParams): Promise<CodeAction[]> => {
    const notebook = notebooks.notebookOfCell(params.textDocument.uri);
    if (!notebook) return [];
    const current = await currentAnalysis(TextDocument.create(notebook.uri, 'json', notebook.version, notebook.text));
    if (!current) return [];
    return notebooks.quickFixes(params, current.result, current.path, notebook, (file) => uriFor(current.folder, file, current.uris), (ruleId) => ruleDocsHref(ruleId, current.settings.docsUrl, options.docsDir));
  };

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const capabilities = params.capabilities;
    canPullConfiguration = !!capabilities.workspace?.configuration;
    canWatchDynamically = !!capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    canCreateProgress = !!capabilities.window?.workDoneProgress;
    const workspaceFolders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: '' }] : []);
    for (const wf of workspaceFolders) {
      const root = pathOf(wf.uri);
      if (root !== null) folders.set(wf.uri, makeFolder(wf.uri, root, true));
    }
    try {
      kb = options.loadKnowledgeBase();
    } catch (error) {
      logError(`The knowledge base could not be loaded; data-driven rules are quiet: ${String(error)}`);
    }
    if (options.loadGrammars) {
      grammarsLoading = true;
      grammarsState = 'loading';
      const started = performance.now();
      ready = options
        .loadGrammars()
        .then(
          (loaded) => {
            grammars = loaded;
            grammarsState = 'loaded';
            log(`Tree-sitter grammars loaded in ${(performance.now() - started).toFixed(0)} ms`);
          },
          (error: unknown) => {
            grammarsState = 'failed';
            logError(`Tree-sitter grammars could not be loaded; shell scripts and .py files are skipped: ${String(error)}`);
          },
        )
        .finally(() => {
          grammarsLoading = false;
          // Re-analyse what was analysed without them: shell scripts and .py files now count.
          for (const folder of folders.values()) {
            if (folder.last || folder.published.size > 0 || folder.timer || folder.running) {
              folder.last = null;
              schedule(folder, 'other', 0);
            }
          }
          if (initialized) sendStatus(); // no longer checking, for a folder that had nothing to re-run
        });
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, fixAllKind, upgradeActionKind], resolveProvider: false },
        hoverProvider: true,
        executeCommandProvider: { commands: [commands.audit, commands.applyFixAll, commands.fixAllWorkspace, upgradeNotesCommand] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        notebookDocumentSync,
      },
      serverInfo: { name: serverName, version: pinwiseVersion },
    };
  });

  connection.onInitialized(() => {
    if (canPullConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'pinwise' }).catch(() => undefined);
    if (canWatchDynamically) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: watchedGlobs.map((globPattern) => ({ globPattern })) })
        .catch(() => undefined);
    }
    if (connection.workspace && typeof connection.workspace.onDidChangeWorkspaceFolders === 'function') {
      try {
        connection.workspace.onDidChangeWorkspaceFolders((event) => {
          for (const removed of event.removed) {
            const folder = folders.get(removed.uri);
            if (folder) clear(folder);
            folders.delete(removed.uri);
          }
          for (const added of event.added) {
            const root = pathOf(added.uri);
            if (root === null) continue;
            const folder = makeFolder(added.uri, root, true);
            folders.set(added.uri, folder);
            schedule(folder, 'other', 0);
          }
          sendStatus();
          for (const doc of documents.all()) {
            const path = pathOf(doc.uri);
            if (path !== null) schedule(folderFor(path), 'other');
          }
        });
      } catch {
        // the client cannot tell us about folder changes
      }
    }
    initialized = true;
    log(`Pinwise language server ${pinwiseVersion}, knowledge current to ${knowledgeDate(kb) ?? 'unknown'}, Node ${process.version} (${process.platform}-${process.arch}); ${folders.size} workspace folder(s)`);
    // Every workspace folder checked in the background (the openFiles scope stops at nothing open).
    for (const folder of folders.values()) if (folder.walk) schedule(folder, 'other', 0);
    sendStatus();
  });

  documents.onDidOpen((event) => {
    const path = pathOf(event.document.uri);
    if (path !== null) schedule(folderFor(path), 'open', 0);
  });
  documents.onDidChangeContent((event) => {
    const path = pathOf(event.document.uri);
    if (path !== null) schedule(folderFor(path), 'change');
  });
  documents.onDidSave((event) => {
    const path = pathOf(event.document.uri);
    if (path === null) return;
    const folder = folderFor(path);
    if (path.endsWith(`${sep}pyproject.toml`)) folder.settings = null; // [tool.pinwise] may have changed
    schedule(folder, 'save', 0);
  });
  documents.onDidClose((event) => {
    const path = pathOf(event.document.uri);
    if (path === null) return;
    const folder = folderFor(path);
    folder.disk.delete(projectPath(folder.root, path)); // the buffer may have differed from the disk
    // openFiles scope: a file that is not a dependency file of the project only had diagnostics
    // while open. Workspace scope: the run below keeps what the file on disk has.
    if (!(folder.walk && folder.scope === 'workspace') && (!folder.walk || kindOf(path) === 'python' || kindOf(path) === null)) {
      void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
      folder.published.delete(event.document.uri);
      folder.diagnostics.delete(event.document.uri);
    }
    schedule(folder, 'other');
  });

  connection.onDidChangeConfiguration(() => {
    for (const folder of folders.values()) {
      folder.settings = null;
      folder.last = null;
      if (folder.walk || folder.published.size > 0 || openDocumentsIn(folder).length > 0) schedule(folder, 'other', 0);
    }
  });

  connection.onDidChangeWatchedFiles((params) => {
    const touched = new Set<Folder>();
    for (const change of params.changes) {
      const path = pathOf(change.uri);
      if (path === null) continue;
      const folder = folderFor(path);
      if (/\.(?:dist|egg)-info[\\/]|[\\/]pyvenv\.cfg$/.test(path)) {
        folder.installed = undefined; // pip ran: read the environment again
        touched.add(folder);
        continue;
      }
      folder.disk.delete(projectPath(folder.root, path));
      if (path.endsWith(`${sep}pyproject.toml`)) folder.settings = null; // [tool.pinwise] may have changed
      // A new file or a changed .gitignore changes what belongs to the project: walk again when next needed.
      if (path.endsWith(`${sep}.gitignore`) || change.type === FileChangeType.Created) folder.discovered = null;
      else if (change.type === FileChangeType.Deleted) folder.discovered?.delete(path);
      touched.add(folder);
    }
    for (const folder of touched) {
      if (folder.walk && folder.scope === 'workspace') folder.complete = false; // "no problems" waits for the re-check
      if ((folder.walk && folder.scope !== 'openFiles') || folder.published.size > 0 || openDocumentsIn(folder).length > 0) schedule(folder, 'other');
    }
  });

  connection.onHover(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    try {
      const current = await currentAnalysis(doc);
      if (!current) return null;
      const index = new LineIndex(doc.getText());
      const offset = index.offsetAt(params.position);
      const hover = hoverAt(current.result.project, kb, current.path, offset);
      // pinwise.shortMessages: the Problems panel has the first sentence, the hover the whole message.
      const full = current.settings.shortMessages
        ? current.result.findings.filter((f) => f.file === current.path && f.span.start <= offset && offset <= f.span.end && firstSentence(f.message) !== f.message)
        : [];
      if (!hover && full.length === 0) return null;
      const span = hover?.span ?? full[0]!.span;
      const markdown = [...full.map((f) => `**${f.ruleId}**: ${escapeMarkdown(f.message)}`), ...(hover ? [hover.markdown] : [])].join('\n\n---\n\n');
      return {
        contents: { kind: 'markdown', value: markdown },
        range: { start: index.positionAt(span.start), end: index.positionAt(span.end) },
      };
    } catch (error) {
      logError(`Hover failed: ${String(error)}`);
      return null;
    }
  });

  connection.onCodeAction(async (params) => {
    if (notebooks.isCell(params.textDocument.uri)) return notebookQuickFixes(params);
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    const only = params.context.only;
    const wants = (kind: string): boolean => !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
    const quickFix = wants(CodeActionKind.QuickFix);
    const ours = params.context.diagnostics.filter((d) => d.source === serverName);
    // The project-wide upgrade: when asked for (the Refactor menu) or on an explicit Ctrl+., not on every cursor move.
    const refactor = only ? wants(upgradeActionKind) : params.context.triggerKind === CodeActionTriggerKind.Invoked;
    // No diagnostic of ours, no fix-all asked for by kind and no refactor: nothing to look up, no analysis to run.
    if (ours.length === 0 && !(only && wants(fixAllKind)) && !refactor) return [];
    if (!quickFix && !wants(fixAllKind) && !refactor) return [];
    const current = await currentAnalysis(doc);
    if (!current) return [];
    const { folder, result, uris, path, settings } = current;
    const text = result.project.sources.get(path)?.text;
    if (text === undefined || text !== doc.getText()) return []; // the analysis is not of the text the editor holds
    // The client's diagnostics only say which of the server's own findings it means.
    const index = new LineIndex(text);
    const byId = new Map<string, Finding>();
    for (const finding of result.findings) {
      if (finding.file !== path) continue;
      byId.set(findingId(finding), finding);
      // A diagnostic that comes back without data carries the short message (pinwise.shortMessages).
      if (current.settings.shortMessages) byId.set(findingId({ ...finding, message: firstSentence(finding.message) }), finding);
    }
    const matched: { diagnostic: Diagnostic; finding: Finding }[] = [];
    for (const diagnostic of ours) {
      const data = diagnostic.data as Partial<DiagnosticData> | undefined;
      if (typeof data?.version === 'number' && data.version !== doc.version) continue; // published for another version
      const id = typeof data?.id === 'string' ? data.id : idOfDiagnostic(diagnostic, index);
      const finding = id === null ? undefined : byId.get(id);
      if (finding) matched.push({ diagnostic, finding });
    }
    const actions: CodeAction[] = [];
    if (quickFix) {
      const indexes = new Map<string, LineIndex>([[path, index]]);
      const rangeOf = (file: string, span: { start: number; end: number }) => {
        let fileIndex = indexes.get(file);
        if (!fileIndex) indexes.set(file, (fileIndex = new LineIndex(result.project.sources.get(file)?.text ?? '')));
        return { start: fileIndex.positionAt(span.start), end: fileIndex.positionAt(span.end) };
      };
      // Edits stay inside the folder and on files the analysis read.
      const place: PlaceEdit = (edit) =>
        edit.file.startsWith('../') || !result.project.sources.has(edit.file) ? null : { uri: uriFor(folder, edit.file, uris), edit: { range: rangeOf(edit.file, edit.span), newText: edit.text } };
      for (const { diagnostic, finding } of matched) pushAll(actions, fixActions(finding, diagnostic, place));
      const offered = new Set<string>();
      const fsPath = pathOf(doc.uri);
      for (const { diagnostic, finding } of matched) {
        const line = index.positionAt(finding.span.start).line;
        if (offered.has(`${finding.ruleId}:${line}`)) continue;
        offered.add(`${finding.ruleId}:${line}`);
        const edit = ignoreCommentEdit(doc.uri, text, line, finding.ruleId, fsPath === null ? null : kindOf(fsPath));
        if (!edit) continue;
        const action = CodeAction.create(actionTitle(finding.ruleId, `Disable ${finding.ruleId} for this line`), { changes: { [doc.uri]: [toTextEdit(doc, edit)] } }, CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        actions.push(action);
      }
      // `# pinwise: ignore-file[rule]`, in the format's comment style; none for formats without comments
      // or files their tool regenerates (locks).
      const kind = fsPath === null ? null : kindOf(fsPath);
      const style = kind === null ? null : kindSpec(kind).comment;
      const fileOffered = new Set<string>();
      for (const { diagnostic, finding } of matched) {
        if (style === null || kind === 'python-version' || kindSpec(kind!).generated || fileOffered.has(finding.ruleId)) continue;
        fileOffered.add(finding.ruleId);
        const edit = fileIgnoreEdit(doc.uri, text, finding.ruleId, style);
        if (!edit) continue;
        const action = CodeAction.create(actionTitle(finding.ruleId, `Disable ${finding.ruleId} for this file`), { changes: { [doc.uri]: [toTextEdit(doc, edit)] } }, CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        actions.push(action);
      }
    }
    // Fix-all: by kind when asked for (editor.codeActionsOnSave, the source action menu); as a row of the
    // quick-fix menu (which shows no source actions) when the file has a fix that fix-all takes.
    const fixAllRow = quickFix && matched.length > 0 && result.findings.some((finding) => finding.file === path && bulkFix(finding, settings.includePinChanges));
    if ((only && wants(fixAllKind)) || fixAllRow) {
      try {
        const edit = await fixAllEdit(doc);
        if (edit) {
          if (only && wants(fixAllKind)) actions.push(CodeAction.create(fixAllTitle, { changes: { [doc.uri]: [edit] } }, fixAllKind));
          if (fixAllRow) actions.push(CodeAction.create(fixAllTitle, { changes: { [doc.uri]: [edit] } }, CodeActionKind.QuickFix));
        }
      } catch (error) {
        logError(`Fix all failed: ${String(error)}`);
      }
    }
    if (quickFix) pushAll(actions, documentationActions(matched, (ruleId) => ruleDocsHref(ruleId, settings.docsUrl, options.docsDir)));
    // On a torch-family pin: the project-wide upgrade (refactor), from the server's own analysis.
    if (refactor) {
      const offset = index.offsetAt(params.range.start);
      for (const action of upgradeActions(result.project, kb, path, offset, (file) => uriFor(folder, file, uris))) actions.push(action);
    }
    return actions;
  });

  // Registered directly (not onExecuteCommand) to see whether the client sent a workDoneToken.
  connection.onRequest(ExecuteCommandRequest.type, async (params, token) => {
    if (params.command === commands.applyFixAll) {
      const arg = (params.arguments?.[0] ?? {}) as { uri?: string; version?: number };
      const doc = arg.uri ? documents.get(arg.uri) : undefined;
      if (!doc) return { applied: false, reason: 'The document is not open.' };
      if (typeof arg.version === 'number' && arg.version !== doc.version) return { applied: false, reason: 'The document changed; try again.' };
      const edit = await fixAllEdit(doc);
      if (!edit) return { applied: false, reason: 'Nothing to fix safely.' };
      const workspaceEdit: WorkspaceEdit = { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: [edit] }] };
      const result = await connection.workspace.applyEdit({ label: 'Pinwise: fix all', edit: workspaceEdit });
      return { applied: result.applied, reason: result.failureReason ?? null };
    }
    if (params.command === commands.fixAllWorkspace) {
      const arg = (params.arguments?.[0] ?? {}) as { apply?: unknown };
      const { edit, notFixed } = await workspaceFixAll();
      const files = (edit.documentChanges ?? []).map((change) => (change as TextDocumentEdit).textDocument.uri);
      if (arg.apply === false || files.length === 0) return { edit, files, applied: null, reason: files.length === 0 ? 'Nothing to fix safely.' : null, notFixed } satisfies WorkspaceFixResult;
      const result = await connection.workspace.applyEdit({ label: 'Pinwise: fix all safe problems', edit });
      return { edit, files, applied: result.applied, reason: result.failureReason ?? null, notFixed } satisfies WorkspaceFixResult;
    }
    if (params.command === upgradeNotesCommand) {
      const arg = (params.arguments?.[0] ?? {}) as { torch?: unknown; notes?: unknown };
      const notes = Array.isArray(arg.notes) ? arg.notes.filter((n): n is string => typeof n === 'string') : [];
      if (notes.length > 0) void connection.window.showWarningMessage(`Pinwise: the upgrade to torch ${String(arg.torch)} left ${notes.length === 1 ? 'one place' : `${notes.length} places`} as written — ${notes.join('; ')}`);
      return null;
    }
    if (params.command === commands.audit) {
      let reporter: WorkDoneProgressReporter = connection.window.attachWorkDoneProgress(params.workDoneToken);
      let progressToken: CancellationToken | undefined;
      if (params.workDoneToken === undefined && canCreateProgress) {
        try {
          const created = await connection.window.createWorkDoneProgress();
          reporter = created;
          progressToken = created.token;
        } catch {
          // the client declined: no progress, still cancellable through the request
        }
      }
      return audit(token, progressToken, reporter);
    }
    throw new ResponseError(LSPErrorCodes.RequestFailed, `Unknown command ${params.command}`);
  });

  /**
   * The safe fixes of every workspace folder (dependency files and .py files, as the audit reads
   * them), applied until stable like `source.fixAll`, as one edit per file: the smallest span that
   * changes, so the rest of each file stays byte for byte. Files outside the folders, symbolic links
   * and files in folders reached through one are left alone (listed in notFixed): the client would
   * write through the link.
   */
  const workspaceFixAll = async (): Promise<{ edit: WorkspaceEdit; notFixed: WorkspaceFixResult['notFixed'] }> => {
    await ready;
    const documentChanges: TextDocumentEdit[] = [];
    const notFixed: WorkspaceFixResult['notFixed'] = [];
    const seen = new Set<string>();
    for (const folder of [...folders.values()].filter((f) => f.walk)) {
      const settings = await settingsOf(folder);
      if (!settings.enable) continue;
      folder.disk.clear(); // the disk as it is now, as in the audit
      const { input, versions, uris } = inputsFor(folder, settings, true, true);
      const before = new Map(input.files.map((f) => [f.path, f.text]));
      const { changed } = fixAll({ ...input, parseCache: new Map(input.parseCache) }, settings.includePinChanges);
      const realRoot = realPathOrSelf(folder.root);
      for (const [path, after] of changed) {
        const text = before.get(path);
        const uri = uriFor(folder, path, uris);
        if (text === undefined || seen.has(uri)) continue;
        const edit = minimalEdit(path, text, after);
        if (!edit) continue;
        seen.add(uri);
        const writable = writableFile(folder.boundary, absolutePathOf(realRoot, path));
        if (!writable.ok) {
          notFixed.push({ uri, reason: `not fixable automatically: ${writable.reason}` });
          continue;
        }
        if (!versions.has(path) && !writableAsRead(absolutePathOf(realRoot, path), text)) {
          notFixed.push({ uri, reason: 'not fixable automatically: its bytes cannot be written back exactly (UTF-16 with an odd trailing byte), or it changed on disk' });
          continue;
        }
        const index = new LineIndex(text);
        documentChanges.push({
          textDocument: { uri, version: versions.get(path) ?? null },
          edits: [{ range: { start: index.positionAt(edit.span.start), end: index.positionAt(edit.span.end) }, newText: edit.text, annotationId: workspaceFixAnnotation }],
        });
      }
    }
    documentChanges.sort((a, b) => (a.textDocument.uri < b.textDocument.uri ? -1 : a.textDocument.uri > b.textDocument.uri ? 1 : 0));
    // needsConfirmation: VS Code shows its refactor preview, where each file can be looked at and unticked.
    const changeAnnotations = { [workspaceFixAnnotation]: { label: 'Pinwise: fix all safe problems', needsConfirmation: true, description: 'Fixes of every file of the workspace; nothing is saved' } };
    return { edit: documentChanges.length > 0 ? { documentChanges, changeAnnotations } : { documentChanges }, notFixed };
  };

  const audit = async (token: CancellationToken, progressToken: CancellationToken | undefined, reporter: WorkDoneProgressReporter): Promise<AuditReport> => {
    await ready;
    const cancelled = (): boolean => token.isCancellationRequested || !!progressToken?.isCancellationRequested;
    const targets = [...folders.values()].filter((f) => f.walk);
    reporter.begin('Pinwise: auditing the workspace', 0, `${targets.length} folder(s)`, true);
    const results: AuditFolder[] = [];
    try {
      for (const [i, folder] of targets.entries()) {
        await pause();
        if (cancelled()) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The audit was cancelled.');
        reporter.report(Math.round((i / Math.max(targets.length, 1)) * 100), `Reading ${folder.root}`);
        const settings = await settingsOf(folder);
        if (!settings.enable) continue;
        if (wholeFolder(folder, settings)) {
          // The report is the workspace run's result, the one the Problems panel shows: wait for
          // the run that is due, or run one when the last was not of the whole folder as it is now.
          if (!canWatchDynamically) {
            folder.disk.clear(); // no watcher tells us of disk changes: read it as it is now
            folder.discovered = null;
            folder.complete = false;
          }
          if (folder.timer || folder.settle || folder.running || !folder.complete || !folder.last) await runNow(folder);
          if (cancelled()) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The audit was cancelled.');
          if (folder.last) results.push(auditFolder(folder.uri, folder.root, folder.last.result));
          continue;
        }
        folder.disk.clear();
        await pause();
        if (cancelled()) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'The audit was cancelled.');
        // Read, analyse and publish without yielding: an edit processed in between would make
        // the published version newer than the text the diagnostics were computed for.
        const readStarted = performance.now();
        const { input, versions, uris } = inputsFor(folder, settings, true, true);
        reporter.report(Math.round(((i + 0.5) / Math.max(targets.length, 1)) * 100), `Analysing ${input.files.length} file(s) in ${folder.root}`);
        const result = runAnalysis(input, readStarted);
        folder.last = { result, versions, uris };
        const byUri = toDiagnostics(folder, result, versions, uris, settings.shortMessages, settings.docsUrl);
        publish(folder, byUri, new Set(byUri.keys()));
        results.push(auditFolder(folder.uri, folder.root, result, (ruleId) => ruleDocsHref(ruleId, settings.docsUrl, options.docsDir)));
      }
    } finally {
      reporter.done();
    }
    const report = buildReport(results);
    sendStatus();
    log(`Audit: ${report.counts.error} error(s), ${report.counts.warning} warning(s), ${report.counts.note} note(s)`);
    return report;
  };

  /** `pinwise/debugInfo`: versions, and per folder the settings in effect and what the last run found. */
  connection.onRequest(debugInfoRequest, async (): Promise<DebugInfo> => {
    await ready;
    const infos: DebugInfo['folders'] = [];
    for (const folder of [...folders.values()].filter((f) => f.walk)) {
      const settings = await settingsOf(folder);
      if (settings.enable && (!folder.last || folder.settle || (wholeFolder(folder, settings) && !folder.complete))) await runNow(folder);
      const result = folder.last?.result;
      const byKind: Record<string, number> = {};
      for (const [path, source] of result?.project.sources ?? []) {
        const kind = result?.project.parsed.get(path)?.kind ?? source.kind ?? 'other';
        byKind[kind] = (byKind[kind] ?? 0) + 1;
      }
      const counts = publishedCounts(folder);
      infos.push({
        uri: folder.uri,
        root: folder.root,
        settings,
        files: { total: result?.project.sources.size ?? 0, byKind },
        environments: (result?.project.environments ?? []).map((env) => ({
          label: env.label,
          rootFile: env.rootFile,
          files: env.files,
          python: env.python?.version ?? result?.project.targetPython?.version ?? null,
        })),
        targetPython: result?.project.targetPython?.version ?? null,
        installedEnvironment: folder.installed?.input?.label ?? null,
        budgets: folder.budgets,
        counts,
        complete: folder.complete,
      });
    }
    return { server: pinwiseVersion, knowledgeDate: knowledgeDate(kb), node: process.version, platform: `${process.platform}-${process.arch}`, grammars: grammarsState, folders: infos };
  });

  notebooks.listen(connection);
  documents.listen(connection);
  connection.listen();
}

/**
 * Whether a file that is not open can take an edit computed on `text`: the disk still holds that
 * text, and the editor will write it back with the same bytes outside the edit (decode.ts).
 */
function writableAsRead(path: string, text: string): boolean {
  const read = readTextFile(path);
  return read.ok && read.decoded.exact && read.text === text;
}

/** A finding's key in `Diagnostic.data`: the same finding in a later analysis of the same text has the same key. */
function findingId(finding: Finding): string {
  return `${finding.ruleId}:${finding.span.start}:${finding.span.end}:${fnv1a(finding.message)}`;
}

/** The key of a diagnostic that came back without `data` (a client without data support). */
function idOfDiagnostic(diagnostic: Diagnostic, index: LineIndex): string | null {
  if (typeof diagnostic.code !== 'string' || typeof diagnostic.message !== 'string') return null;
  const start = index.offsetAt(diagnostic.range.start);
  const end = index.offsetAt(diagnostic.range.end);
  return `${diagnostic.code}:${start}:${end}:${fnv1a(diagnostic.message)}`;
}

/** A message as Markdown text: what it says, not markup (backticks kept: the messages quote code in them). */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_[\]<>#|]/g, (c) => `\\${c}`);
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16);
}

function toTextEdit(doc: TextDocument, edit: Edit): TextEdit {
  const index = new LineIndex(doc.getText());
  return { range: { start: index.positionAt(edit.span.start), end: index.positionAt(edit.span.end) }, newText: edit.text };
}
