// The pre-commit hook (.pre-commit-hooks.yaml) with Debian's real `pre-commit`, offline, against a
// local copy of this repository laid out as a release tag is (sources plus the built dist/).
// pre-commit's node language runs `npm install` (from npm's cache: offline), `npm pack` and
// `npm install -g` of the tarball in the hook repository, then the hook's entry, `pinwise check`.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileKindOf } from '../../server/src/engine/kinds';
import { ensureBuilt, runCli } from '../cli/run-cli';
import { repoRoot } from '../support/analyze';

const hook = (parseYaml(readFileSync(join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[])[0]!;

describe('.pre-commit-hooks.yaml', () => {
  it('declares a node hook that checks the whole project once', () => {
    expect(hook).toMatchObject({ id: 'pinwise', language: 'node', entry: 'pinwise check', pass_filenames: false, require_serial: true });
  });

  it('runs for every file kind Pinwise reads, and not for other files', () => {
    // pre-commit's regex (Python `re.search`); `(?i)` is its inline form of the i flag.
    const files = new RegExp(String(hook['files']).replace(/^\(\?i\)/, ''), 'i');
    const ours = ['requirements.txt', 'ml/requirements-gpu.txt', 'dev_requirements.in', 'constraints.txt', 'requirements/base.txt', 'reqs.txt', 'extra.pip', 'pyproject.toml', '.python-version', 'setup.sh', 'scripts/install.bash', 'Dockerfile', 'docker/Dockerfile.cuda', 'app/model.py', 'stubs/x.pyi'];
    for (const path of ours) {
      expect(fileKindOf(path), path).not.toBeNull();
      expect(files.test(path), path).toBe(true);
    }
    for (const path of ['README.md', 'src/index.js', 'requirements.txt.orig', 'docs/requirements.md', 'data/train.csv']) {
      expect(fileKindOf(path), path).toBeNull();
      expect(files.test(path), path).toBe(false);
    }
  });
});

const hasPreCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasPreCommit) {
  if (process.env['CI']) throw new Error('pre-commit is not installed: .ci/run installs Debian\'s pre-commit package');
  console.warn('test/package/pre-commit.test.ts: `pre-commit` is not installed here (apt-get install pre-commit), so the real-hook run is skipped; CI runs it.');
}

describe.skipIf(!hasPreCommit)('the hook run by pre-commit', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'pinwise-pre-commit-'));
  const hookRepo = join(scratch, 'pinwise');
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
  // Offline: npm may use its cache, never the registry; pre-commit's own state stays in scratch.
  const env = { ...process.env, PRE_COMMIT_HOME: join(scratch, 'cache'), npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', NO_COLOR: '1' };
  // Asynchronous: the first run installs the hook for a minute, and a blocked worker misses vitest's heartbeats.
  const preCommit = (cwd: string, ...args: string[]) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((done) => {
      execFile('pre-commit', args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
        done({ status: error ? Number((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
      });
    });

  function project(files: Record<string, string>): string {
    const dir = mkdtempSync(join(scratch, 'project-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    writeFileSync(join(dir, '.pre-commit-config.yaml'), `repos:\n  - repo: ${hookRepo}\n    rev: v-test\n    hooks:\n      - id: pinwise\n        language_version: system\n`);
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    return dir;
  }

  beforeAll(async () => {
    ensureBuilt();
    // The repository's files as git knows them (tracked and new, not ignored), plus the bundles.
    const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const path of listed) {
      try {
        mkdirSync(dirname(join(hookRepo, path)), { recursive: true });
        cpSync(join(repoRoot, path), join(hookRepo, path));
      } catch {
        // deleted in the working tree but not yet in the index
      }
    }
    for (const file of ['cli.js', 'server.js', 'action.js', 'kb.json', 'wasm']) cpSync(join(repoRoot, 'dist', file), join(hookRepo, 'dist', file), { recursive: true });
    const gitAsync = promisify(execFile);
    const config = ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main'];
    for (const args of [['init', '-q'], ['add', '-A'], ['add', '-f', 'dist'], ['commit', '-qm', 'release'], ['tag', 'v-test']]) await gitAsync('git', [...config, ...args], { cwd: hookRepo });
  }, 60_000);

  it('fails a commit of the example project, printing its findings', async () => {
    const examples = join(repoRoot, 'examples', 'broken-ml-project');
    const files: Record<string, string> = {};
    for (const path of execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '.'], { cwd: examples, encoding: 'utf8' }).split('\n').filter(Boolean)) {
      files[path] = readFileSync(join(examples, path), 'utf8');
    }
    const dir = project(files);
    const { status, stdout, stderr } = await preCommit(dir, 'run', '--all-files');
    expect(status, stderr + stdout).toBe(1);
    expect(stdout).toMatch(/^pinwise\.+Failed$/m);
    expect(stdout).toContain('torchvision==0.17.0+rocm5.7 cannot install with torch==2.3.1+rocm5.7');
    // The summary line the repository's own build prints for the same project.
    const summary = runCli(['check', '.'], dir).stdout.split('\n').find((line) => line.startsWith('✖'))!;
    expect(stdout).toContain(summary);
  }, 240_000);

  it('passes a sound project, and skips a commit touching no dependency file', async () => {
    const dir = project({ 'requirements.txt': 'torch==2.3.1\ntorchvision==0.18.1\n', 'README.md': '# demo\n' });
    const clean = await preCommit(dir, 'run', '--all-files');
    expect(clean.status, clean.stderr + clean.stdout).toBe(0);
    expect(clean.stdout).toMatch(/^pinwise\.+Passed$/m);
    const readmeOnly = await preCommit(dir, 'run', '--files', 'README.md');
    expect(readmeOnly.status).toBe(0);
    expect(readmeOnly.stdout).toMatch(/^pinwise\.+\(no files to check\)Skipped$/m);
  }, 240_000);
});
