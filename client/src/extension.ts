// The VS Code client: starts the Pinwise language server over IPC and adds the commands, the
// status items, the debug information and the audit report. All analysis is in the server.
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  State,
  TransportKind,
  WorkDoneProgress,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import type { AuditReport } from '../../server/src/lsp/audit';
import type { WorkspaceFixResult } from '../../server/src/lsp/server';
import { debugInfoRequest, statusNotification, type DebugInfo, type ServerStatus } from '../../server/src/lsp/status';
import { parseAuditMessage, renderAuditHtml, type AuditView } from './audit-view';
import documentSelector from './generated/document-selector.json';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
/** Workspace-wide counts, in every editor (as the Problems counter is): the server's published diagnostics. */
let status: vscode.StatusBarItem;
/** Beside the language of a dependency file: server state, knowledge date, files checked. */
let languageStatus: vscode.LanguageStatusItem;
/** The server's last `pinwise/status` (null: none since it started). */
let serverStatus: ServerStatus | null = null;
let auditing = false;
/** The audit report: one read-only webview panel, re-rendered by each audit. */
let reportPanel: vscode.WebviewPanel | undefined;
let reportView: AuditView | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Pinwise', { log: true });
  status = vscode.window.createStatusBarItem('pinwise.status', vscode.StatusBarAlignment.Right, 100);
  status.name = 'Pinwise';
  status.command = 'pinwise.auditWorkspace';
  languageStatus = vscode.languages.createLanguageStatusItem('pinwise.languageStatus', documentSelector);
  languageStatus.name = 'Pinwise';
  languageStatus.command = { title: 'Debug information', command: 'pinwise.showDebugInfo' };
  context.subscriptions.push(output, status, languageStatus);
  const extension = context.extension.packageJSON as { version?: string };
  log(`Pinwise extension ${extension.version ?? 'unknown'} in ${vscode.env.appName} ${vscode.version}`);

  context.subscriptions.push(
    vscode.commands.registerCommand('pinwise.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('pinwise.restartServer', async () => {
      log('Restarting the server');
      if (client) await client.restart();
      else await start(context);
    }),
    vscode.commands.registerCommand('pinwise.fixAllInFile', fixAllInFile),
    vscode.commands.registerCommand('pinwise.auditWorkspace', () => auditWorkspace()),
    vscode.commands.registerCommand('pinwise.showDebugInfo', () => showDebugInfo(context)),
    // The code action "Show documentation for pinwise(<rule>)": the href the server chose for the rule.
    vscode.commands.registerCommand('pinwise.showDocumentation', (_ruleId: unknown, href: unknown) => showDocumentation(href)),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
  client = undefined;
}

function log(message: string): void {
  output.info(message); // a log channel: timestamped, and the level is the user's to choose
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Generated from the file-kind registry (npm run manifest): the server decides each file's kind.
    documentSelector,
    synchronize: { configurationSection: 'pinwise' },
    outputChannel: output,
    diagnosticCollectionName: 'pinwise',
  };
  client = new LanguageClient('pinwise', 'Pinwise', serverOptions, clientOptions);
  serverStatus = null;
  client.onNotification(statusNotification, (next: ServerStatus) => {
    serverStatus = next;
    updateStatus();
  });
  client.onDidChangeState((event) => {
    if (event.newState === State.Running) log('Server running');
    if (event.newState === State.Stopped) log('Server stopped');
    updateStatus();
  });
  const started = Date.now();
  try {
    await client.start();
    log(`Server started in ${Date.now() - started} ms`);
  } catch (error) {
    log(`The server failed to start: ${String(error)}`);
    void vscode.window.showErrorMessage('Pinwise: the language server failed to start. See the Pinwise output for details.', 'Show Output').then((choice) => {
      if (choice) output.show(true);
    });
  }
  updateStatus();
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Both items show the server's own account (`pinwise/status`): its counts are of the diagnostics it
 * published, so they are the Problems panel's; "no problems" only once every folder was checked whole.
 */
function updateStatus(): void {
  if (!status) return;
  const running = client?.state === State.Running;
  const s = serverStatus;
  languageStatus.severity = vscode.LanguageStatusSeverity.Information;
  languageStatus.busy = auditing || !running || !s || s.state !== 'idle';
  if (!running) {
    status.text = '$(circle-slash) Pinwise';
    status.tooltip = 'The Pinwise language server is not running. See the Pinwise output.';
    status.command = 'pinwise.showOutput';
    languageStatus.text = 'Pinwise: not running';
    languageStatus.detail = 'See the Pinwise output';
    languageStatus.severity = vscode.LanguageStatusSeverity.Error;
    status.show();
    return;
  }
  status.command = 'pinwise.auditWorkspace';
  if (!s || s.state === 'starting') {
    status.text = '$(sync~spin) Pinwise';
    status.tooltip = 'Pinwise is starting';
    languageStatus.text = 'Pinwise: starting';
    languageStatus.detail = undefined;
    status.show();
    return;
  }
  const { error, warning, note } = s.counts;
  const counts = `${plural(error, 'error')}, ${plural(warning, 'warning')}, ${plural(note, 'note')}`;
  const knowledge = `knowledge current to ${s.knowledgeDate ?? 'an unknown date'}`;
  const budgets = s.budgets.length > 0 ? `; ${plural(s.budgets.length, 'part')} not checked (a work budget was reached: Pinwise: Show Debug Information lists them)` : '';
  const checked = s.scope === 'workspace' ? `${plural(s.files, 'file')} checked` : `${plural(s.files, 'file')} checked (open files and their environments only: pinwise.diagnosticScope)`;
  const working = auditing || s.state === 'checking';
  const problems = error + warning + note;
  if (working) status.text = problems > 0 ? `$(sync~spin) $(error) ${error} $(warning) ${warning} Pinwise` : '$(sync~spin) Pinwise: checking…';
  else if (problems > 0) status.text = `$(error) ${error} $(warning) ${warning}${note > 0 ? ` $(info) ${note}` : ''} Pinwise`;
  else status.text = s.complete ? '$(check) Pinwise' : '$(circle-outline) Pinwise: not checked';
  if (s.budgets.length > 0 && !working) status.text = `${status.text} $(alert)`;
  status.tooltip = working
    ? `Pinwise is checking ${plural(s.files, 'file')}…`
    : `Pinwise: ${problems === 0 && s.complete ? 'no problems' : counts}; ${checked}${budgets}. Click for the audit report.`;
  languageStatus.text = working ? `Pinwise: checking ${plural(s.files, 'file')}` : problems === 0 && s.complete ? 'Pinwise: no problems' : `Pinwise: ${counts}`;
  languageStatus.detail = `${checked}, ${knowledge}${budgets}`;
  if (s.budgets.length > 0 || (!working && !s.complete && s.scope === 'workspace')) languageStatus.severity = vscode.LanguageStatusSeverity.Warning;
  status.show();
}

/** "Pinwise: Show Debug Information": versions, and per folder the settings, environments and files. */
async function showDebugInfo(context: vscode.ExtensionContext): Promise<void> {
  const extension = context.extension.packageJSON as { version?: string };
  const lines = ['# Pinwise debug information', '', `- Extension: ${extension.version ?? 'unknown'} (${vscode.env.appName} ${vscode.version})`];
  let info: DebugInfo | null = null;
  if (client?.state === State.Running) {
    try {
      info = await client.sendRequest<DebugInfo>(debugInfoRequest);
    } catch (error) {
      lines.push(`- Server: did not answer (${error instanceof Error ? error.message : String(error)})`);
    }
  } else lines.push('- Server: not running');
  if (info) {
    lines.push(`- Server: ${info.server}, Node ${info.node} (${info.platform}), tree-sitter grammars ${info.grammars}`, `- Knowledge base: current to ${info.knowledgeDate ?? 'unknown'}`, '');
    for (const folder of info.folders) {
      lines.push(`## ${folder.root}`, '');
      lines.push(`- Checked: ${folder.complete ? 'the whole folder' : 'not the whole folder (openFiles scope, a run due, or not yet)'}; ${folder.counts.error} error(s), ${folder.counts.warning} warning(s), ${folder.counts.note} note(s)`);
      lines.push(`- Files: ${folder.files.total} (${Object.entries(folder.files.byKind).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none'})`);
      lines.push(`- Target Python: ${folder.targetPython ?? 'unknown'}; installed environment: ${folder.installedEnvironment ?? 'none'}`);
      lines.push(`- Budgets reached: ${folder.budgets.length === 0 ? 'none' : ''}`);
      for (const hit of folder.budgets) lines.push(`  - ${hit.file}: ${hit.message}`);
      lines.push('', '### Environments', '');
      if (folder.environments.length === 0) lines.push('None found.');
      for (const env of folder.environments) lines.push(`- \`${env.label}\`: ${env.files.join(', ')} (Python ${env.python ?? 'unknown'})`);
      lines.push('', '### Settings in effect', '', '```json', JSON.stringify(folder.settings, null, 2), '```', '');
    }
  }
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: lines.join('\n') + '\n' });
  await vscode.window.showTextDocument(document, { preview: false });
}

async function fixAllInFile(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!client || !editor) return;
  const document = editor.document;
  const result = (await client.sendRequest(ExecuteCommandRequest.type, {
    command: 'pinwise.applyFixAll',
    arguments: [{ uri: client.code2ProtocolConverter.asUri(document.uri), version: document.version }],
  })) as { applied: boolean; reason: string | null } | null;
  if (result && !result.applied && result.reason) void vscode.window.showInformationMessage(`Pinwise: ${result.reason}`);
}

async function auditWorkspace(notice?: string): Promise<void> {
  if (!client || auditing) return;
  const running = client;
  auditing = true;
  updateStatus();
  try {
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Pinwise: auditing the workspace', cancellable: true },
      async (progress, token) => {
        const workDoneToken = `pinwise-audit-${Date.now()}`;
        let reported = 0;
        const listener = running.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
          if (value.kind === 'end') return;
          const increment = typeof value.percentage === 'number' ? Math.max(0, value.percentage - reported) : undefined;
          if (typeof value.percentage === 'number') reported = value.percentage;
          progress.report({ message: value.message, increment });
        });
        try {
          return (await running.sendRequest(ExecuteCommandRequest.type, { command: 'pinwise.audit', arguments: [], workDoneToken }, token)) as AuditReport | null;
        } finally {
          listener.dispose();
        }
      },
    );
    if (!report) return;
    log(`Audit done: ${report.counts.error} error(s), ${report.counts.warning} warning(s), ${report.counts.note} note(s)`);
    showReport(report, notice);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/cancel/i.test(message)) log('Audit cancelled');
    else {
      log(`Audit failed: ${message}`);
      void vscode.window.showErrorMessage(`Pinwise: the audit failed: ${message}`);
    }
  } finally {
    auditing = false;
    updateStatus();
  }
}

function showReport(report: AuditReport, notice?: string): void {
  if (!reportPanel) {
    // Beside the editor in use, so the report's links open next to it.
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    reportPanel = vscode.window.createWebviewPanel('pinwise.audit', 'Pinwise Audit', column, {
      enableScripts: true, // only the page's own nonce'd script: it posts clicks as messages
      enableCommandUris: false,
      enableForms: false,
      localResourceRoots: [], // the page loads no file, local or remote
    });
    reportPanel.onDidDispose(() => {
      reportPanel = undefined;
      reportView = undefined;
    });
    reportPanel.webview.onDidReceiveMessage((message: unknown) => {
      void onReportMessage(message).catch((error: unknown) => log(`Audit report: ${String(error)}`));
    });
  }
  reportView = renderAuditHtml(report, { nonce: randomBytes(16).toString('base64'), notice });
  reportPanel.webview.html = reportView.html;
  reportPanel.reveal(undefined, false);
}

async function onReportMessage(raw: unknown): Promise<void> {
  if (!reportView || !client) return;
  const message = parseAuditMessage(raw, reportView);
  if (!message) return;
  if (message.type === 'open') {
    const location = reportView.locations[message.id]!;
    const folder = client.protocol2CodeConverter.asUri(location.folder);
    const uri = vscode.Uri.joinPath(folder, ...location.file.split('/'));
    const position = new vscode.Position(location.line - 1, location.column - 1);
    const column = reportPanel?.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
    await vscode.window.showTextDocument(uri, { viewColumn: column, selection: new vscode.Range(position, position) });
  } else if (message.type === 'docs') {
    await showDocumentation(reportView.docs[message.id]);
  } else if (message.type === 'rerun') {
    await auditWorkspace();
  } else {
    await fixAllSafe();
  }
}

/** A rule's page: one shipped with the extension in Markdown preview, a public one in the browser. */
async function showDocumentation(href: unknown): Promise<void> {
  if (typeof href !== 'string') return;
  const uri = vscode.Uri.parse(href);
  if (uri.scheme === 'file' && uri.path.endsWith('.md')) await vscode.commands.executeCommand('markdown.showPreview', uri);
  else if (uri.scheme === 'https' || uri.scheme === 'http') await vscode.env.openExternal(uri);
}

/**
 * "Fix all safe problems": the server's safe fixes for every file of the workspace, as one
 * WorkspaceEdit (open files are checked against their version) whose edits need confirmation, so
 * VS Code shows its refactor preview first. Nothing is saved: the fixed files stay dirty for the
 * user to review and save. Then the audit runs again to refresh the report.
 */
async function fixAllSafe(): Promise<void> {
  if (!client || auditing) return;
  let notice: string;
  try {
    const result = (await client.sendRequest(ExecuteCommandRequest.type, { command: 'pinwise.fixAllWorkspace', arguments: [{ apply: true }] })) as WorkspaceFixResult | null;
    if (!result || result.files.length === 0) notice = 'Nothing to fix safely.';
    else if (!result.applied) notice = `The fixes were not applied${result.reason ? `: ${result.reason}` : ''}.`;
    else notice = `Fixed ${result.files.length === 1 ? '1 file' : `${result.files.length} files`}, not saved: review and save ${result.files.length === 1 ? 'it' : 'them'} (File: Save All).`;
    const notFixed = result?.notFixed ?? [];
    if (notFixed.length > 0) notice += ` ${notFixed.length === 1 ? '1 file is' : `${notFixed.length} files are`} not fixable automatically (${notFixed[0]!.reason.replace(/^not fixable automatically: /, '')}).`;
  } catch (error) {
    notice = `The fixes failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  log(`Fix all safe problems: ${notice}`);
  await auditWorkspace(notice);
}
