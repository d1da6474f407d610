// The GitHub Action's entry (dist/action.js) run as the runner runs it: inputs as INPUT_* variables,
// GITHUB_STEP_SUMMARY and GITHUB_OUTPUT pointing at files, the workspace as working directory.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/analyze';
import { nodeFlags } from '../support/node-flags';
import { actionPath, ensureBuilt, fixtureDir, runCli } from './run-cli';

beforeAll(ensureBuilt);

/** Asynchronous, so the worker keeps answering vitest while the action runs. */
async function runAction(workspace: string, inputs: Record<string, string>) {
  const files = mkdtempSync(join(tmpdir(), 'pinwise-action-'));
  const summary = join(files, 'summary.md');
  const output = join(files, 'output.txt');
  writeFileSync(summary, '# Earlier step\n');
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], GITHUB_WORKSPACE: workspace, GITHUB_STEP_SUMMARY: summary, GITHUB_OUTPUT: output };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const result = await new Promise<{ status: number; stdout: string; stderr: string }>((done) => {
    execFile(process.execPath, [...nodeFlags, actionPath], { cwd: workspace, env, encoding: 'utf8', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      done({ status: error ? Number((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
  const outputs = existsSync(output) ? Object.fromEntries(readFileSync(output, 'utf8').trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2))) : {};
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, summary: readFileSync(summary, 'utf8'), outputs };
}

function exampleWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinwise-workspace-'));
  cpSync(join(repoRoot, 'examples', 'broken-ml-project'), dir, { recursive: true });
  return dir;
}

describe('action.yml', () => {
  it('runs the bundled entry on node20 with the inputs the entry reads', () => {
    const action = parseYaml(readFileSync(join(repoRoot, 'action.yml'), 'utf8'));
    expect(action.runs).toEqual({ using: 'node20', main: 'dist/action.js' });
    expect(Object.keys(action.inputs)).toEqual(['paths', 'python', 'fail-on', 'sarif-file', 'baseline']);
    const entry = readFileSync(join(repoRoot, 'server', 'src', 'action', 'main.ts'), 'utf8');
    for (const name of Object.keys(action.inputs)) expect(entry).toContain(`input('${name}')`);
  });
});

describe('the action on the example project', () => {
  const workspace = exampleWorkspace();
  let run: Awaited<ReturnType<typeof runAction>>;
  // What the CLI reports on the same project: the action must show all of it.
  let cli: { summary: { errors: number; warnings: number; notes: number }; findings: { fixes: { safe: boolean }[] }[] };
  let total: number;
  beforeAll(async () => {
    run = await runAction(workspace, { paths: '.', 'fail-on': 'error', 'sarif-file': 'reports/pinwise.sarif' });
    cli = JSON.parse(runCli(['check', '.', '--format', 'json'], workspace).stdout);
    total = cli.findings.length;
  }, 120_000);

  it('annotates each finding with a workflow command at its location', () => {
    const commands = run.stdout.split('\n').filter((line) => line.startsWith('::'));
    expect(total).toBeGreaterThan(10);
    expect(commands).toHaveLength(total);
    expect(commands).toContain(
      '::error file=requirements.txt,line=8,endLine=8,col=12,endColumn=28,title=pinwise(torch-family-mismatch)::torchvision==0.17.0+rocm5.7 cannot install with torch==2.3.1+rocm5.7: torchvision 0.17.0 is built for torch 2.2.0; torch==2.3.1+rocm5.7 needs torchvision 0.18.1.%0AFix available, changing what is installed (pinwise check --fix --unsafe-fixes): Set torchvision to 0.18.1+rocm5.7',
    );
    expect(commands.filter((c) => c.startsWith('::warning '))).toHaveLength(cli.summary.warnings);
    expect(commands.filter((c) => c.startsWith('::error '))).toHaveLength(cli.summary.errors);
  });

  it('fails the job on errors and reports the counts as outputs', () => {
    expect(run.status).toBe(1);
    const { errors, warnings, notes } = cli.summary;
    expect(run.outputs).toEqual({ errors: String(errors), warnings: String(warnings), notes: String(notes), 'sarif-file': 'reports/pinwise.sarif' });
  });

  it('writes the SARIF log for upload-sarif', () => {
    const log = JSON.parse(readFileSync(join(workspace, 'reports', 'pinwise.sarif'), 'utf8'));
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results).toHaveLength(total);
  });

  it('appends a job summary: findings by rule, by environment, and the fixes available', () => {
    expect(run.summary).toMatch(/^# Earlier step\n## Pinwise \d+\.\d+\.\d+\n\nKnowledge base current to \d{4}-\d{2}-\d{2}\.\n/);
    const notes = cli.summary.notes === 1 ? ', 1 note' : cli.summary.notes > 1 ? `, ${cli.summary.notes} notes` : '';
    expect(run.summary).toContain(`**${total} problems** (${cli.summary.errors} errors, ${cli.summary.warnings} warnings${notes}).`);
    expect(run.summary).toContain('| [`inconsistent-pins`](https://github.com/pinwise-dev/pinwise/blob/main/docs/rules/inconsistent-pins.md) | warning | 3 |  |');
    expect(run.summary).toMatch(/### By environment\n\n\| environment \| findings \| rules \|\n\| --- \| ---: \| --- \|\n/);
    // One row per environment (a root requirements file with its includes, a script, the .venv).
    expect(run.summary).toMatch(/^\| requirements-cuda\.txt \| \d+ \| .*`local-tag-mismatch`.* \|$/m);
    expect(run.summary).toMatch(/^\| server-setup\.sh \| \d+ \| .*`inconsistent-pins` ×\d.* \|$/m);
    expect(run.summary).toMatch(/^\| other files \| \d+ \| `deprecated-api` ×\d+ \|$/m);
    const fixable = cli.findings.filter((f) => f.fixes.some((fix) => fix.safe)).length;
    expect(run.summary).toContain(`\`pinwise check --fix\` applies ${fixable} safe fixes`);
    expect(run.summary).toContain('- `requirements.txt:8` Set torchvision to 0.18.1+rocm5.7 (`torch-family-mismatch`)');
  });
});

describe('fail-on', () => {
  const warningsOnly = { 'requirements.txt': 'numpy==1.26.4\n-r missing.txt\n' };

  it.each([
    ['error', 0],
    ['warning', 1],
    ['note', 1],
    ['never', 0],
  ])('fail-on %s with one warning exits %i', async (level, expected) => {
    expect((await runAction(fixtureDir(warningsOnly), { paths: '.', 'fail-on': level as string })).status).toBe(expected);
  });

  it('never fails on errors either, and rejects an unknown level', async () => {
    expect((await runAction(exampleWorkspace(), { 'fail-on': 'never' })).status).toBe(0);
    const bad = await runAction(fixtureDir(warningsOnly), { 'fail-on': 'fatal' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toContain('::error::pinwise: fail-on must be one of error, warning, note, never');
  });

  it('says there is nothing to fix on a clean project', async () => {
    const clean = await runAction(fixtureDir({ 'requirements.txt': 'numpy==1.26.4\n' }), {});
    expect(clean.status).toBe(0);
    expect(clean.summary).toContain('No problems found.');
  });
});
