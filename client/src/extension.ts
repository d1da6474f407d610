// The VS Code client: starts the Pinwise language server over IPC and adds
// the commands, the status bar item and the audit report. All analysis is in the server.
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

interface AuditReport {
  counts: { error: number; warning: number; note: number };
  markdown: string;
}

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let status: vscode.StatusBarItem;
let auditing = false;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Pinwise', { log: true });
  status = vscode.window.createStatusBarItem('pinwise.status', vscode.StatusBarAlignment.Right, 100);
  status.name = 'Pinwise';
  status.command = 'pinwise.showOutput';
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand('pinwise.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('pinwise.restartServer', async () => {
      log('Restarting the server');
      if (client) await client.restart();
      else await start(context);
    }),
    vscode.commands.registerCommand('pinwise.fixAllInFile', fixAllInFile),
    vscode.commands.registerCommand('pinwise.auditWorkspace', auditWorkspace),
    vscode.languages.onDidChangeDiagnostics(() => updateStatus()),
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
    documentSelector: [
      { scheme: 'file', language: 'pip-requirements' },
      { scheme: 'file', pattern: '**/pyproject.toml' },
      { scheme: 'file', pattern: '**/.python-version' },
      { scheme: 'file', language: 'shellscript' },
      { scheme: 'file', language: 'python' },
    ],
    synchronize: { configurationSection: 'pinwise' },
    outputChannel: output,
    diagnosticCollectionName: 'pinwise',
  };
  client = new LanguageClient('pinwise', 'Pinwise', serverOptions, clientOptions);
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

function updateStatus(): void {
  if (!status) return;
  if (auditing) {
    status.text = '$(sync~spin) Pinwise';
    status.tooltip = 'Pinwise is auditing the workspace';
    status.show();
    return;
  }
  if (!client || client.state !== State.Running) {
    status.text = '$(circle-slash) Pinwise';
    status.tooltip = 'The Pinwise language server is not running. Click to show its output.';
    status.show();
    return;
  }
  let errors = 0;
  let warnings = 0;
  for (const [, diagnostics] of vscode.languages.getDiagnostics()) {
    for (const d of diagnostics) {
      if (d.source !== 'pinwise') continue;
      if (d.severity === vscode.DiagnosticSeverity.Error) errors++;
      else if (d.severity === vscode.DiagnosticSeverity.Warning) warnings++;
    }
  }
  status.text = errors + warnings === 0 ? '$(check) Pinwise' : `$(error) ${errors} $(warning) ${warnings} Pinwise`;
  status.tooltip = errors + warnings === 0 ? 'Pinwise: no problems in the checked files' : `Pinwise: ${errors} error(s), ${warnings} warning(s). Click to show the output.`;
  status.show();
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

async function auditWorkspace(): Promise<void> {
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
    const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: report.markdown });
    try {
      await vscode.commands.executeCommand('markdown.showPreview', document.uri);
    } catch {
      await vscode.window.showTextDocument(document);
    }
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
