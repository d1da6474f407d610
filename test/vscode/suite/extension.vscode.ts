// Extension-host tests: the built extension in a real VS Code, on a copy of examples/broken-ml-project.
// They drive VS Code's own commands (code actions, hovers, edits) as a user's clicks would.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';

const workspace = process.env['PINWISE_TEST_WORKSPACE'] ?? '';
const fileUri = (relative: string) => vscode.Uri.file(join(workspace, relative));

function pinwiseDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'pinwise');
}

const ruleOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));

/** Resolves when `accept` holds for the file's Pinwise diagnostics (checked on every change). */
function waitForDiagnostics(uri: vscode.Uri, accept: (ds: vscode.Diagnostic[]) => boolean, what: string): Promise<vscode.Diagnostic[]> {
  return new Promise((resolvePromise, reject) => {
    const check = () => {
      const current = pinwiseDiagnostics(uri);
      if (!accept(current)) return false;
      subscription.dispose();
      clearTimeout(timer);
      resolvePromise(current);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics(() => void check());
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out waiting for ${what}; have: ${pinwiseDiagnostics(uri).map(ruleOf).join(', ')}`));
    }, 30_000);
    check();
  });
}

describe('Pinwise in VS Code', () => {
  const requirements = fileUri('requirements.txt');
  let document: vscode.TextDocument;
  let original: string;

  before(async () => {
    assert.ok(workspace, 'PINWISE_TEST_WORKSPACE is set by test/vscode/run.ts');
    document = await vscode.workspace.openTextDocument(requirements);
    await vscode.window.showTextDocument(document);
    original = document.getText();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('gives requirements.txt the pip-requirements language and the extension activates', () => {
    assert.equal(document.languageId, 'pip-requirements');
    const extension = vscode.extensions.all.find((e) => e.packageJSON?.name === 'pinwise');
    assert.ok(extension, 'the extension under development is loaded');
  });

  it('publishes findings with the rule id, its docs link and the related pin', async () => {
    const diagnostics = await waitForDiagnostics(requirements, (ds) => ds.some((d) => ruleOf(d) === 'torch-family-mismatch'), 'torch-family-mismatch');
    const family = diagnostics.find((d) => ruleOf(d) === 'torch-family-mismatch')!;
    assert.equal(document.getText(family.range), 'torchvision==0.17.0+rocm5.7');
    assert.equal(family.severity, vscode.DiagnosticSeverity.Error);
    assert.ok(typeof family.code === 'object' && family.code.target.toString().includes('torch-family-mismatch'));
    assert.ok(family.relatedInformation?.some((r) => r.message.includes('torch==2.3.1+rocm5.7')));
    for (const rule of ['unknown-wheel-variant', 'distribution-conflict']) assert.ok(diagnostics.some((d) => ruleOf(d) === rule), rule);
  });

  it('shows the release row on hover over the torch pin', async () => {
    const line = document.getText().split(/\r?\n/).findIndex((l) => l.startsWith('torch=='));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', requirements, new vscode.Position(line, 2));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /torchvision/);
    assert.match(text, /0\.18\.1/);
  });

  it('applies the quick fix for torchvision and changes nothing else', async () => {
    const family = pinwiseDiagnostics(requirements).find((d) => ruleOf(d) === 'torch-family-mismatch')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', requirements, family.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.edit && a.diagnostics?.some((d) => ruleOf(d) === 'torch-family-mismatch'));
    assert.ok(fix, `a quick fix; offered: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(actions.some((a) => /Disable .* for this line/.test(a.title)), 'a "disable for this line" action is offered too');
    assert.ok(await vscode.workspace.applyEdit(fix.edit!));
    assert.equal(document.getText(), original.replace('torchvision==0.17.0+rocm5.7', 'torchvision==0.18.1+rocm5.7'));
    await waitForDiagnostics(requirements, (ds) => !ds.some((d) => ruleOf(d) === 'torch-family-mismatch'), 'the fixed finding to go');
  });

  it('Fix All in File applies every safe fix', async () => {
    await vscode.commands.executeCommand('pinwise.fixAllInFile');
    await waitForDiagnostics(requirements, (ds) => !ds.some((d) => ruleOf(d) === 'unknown-wheel-variant'), 'the phantom variant to be fixed');
    assert.match(document.getText(), /torchaudio==2\.3\.1\+rocm5\.7(?!\.1)/);
  });

  it('audits the workspace: findings for files that are not open', async () => {
    const script = fileUri('server-setup.sh');
    await vscode.commands.executeCommand('pinwise.auditWorkspace');
    await waitForDiagnostics(script, (ds) => ds.length > 0, 'findings in server-setup.sh');
  });

  it('follows a severity setting change', async () => {
    const config = vscode.workspace.getConfiguration('pinwise', requirements);
    await config.update('severity.distribution-conflict', 'off', vscode.ConfigurationTarget.Workspace);
    try {
      await waitForDiagnostics(requirements, (ds) => !ds.some((d) => ruleOf(d) === 'distribution-conflict'), 'distribution-conflict to be turned off');
    } finally {
      await config.update('severity.distribution-conflict', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitForDiagnostics(requirements, (ds) => ds.some((d) => ruleOf(d) === 'distribution-conflict'), 'distribution-conflict to come back');
  });
});
