// A cloned repository may plant links in its .venv: the environment Pinwise finds on its own is
// project content, so nothing it links to outside the project is read into a finding.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixtureDir, runCli } from '../cli/run-cli';
import { writeVenv } from '../environments/venv';

beforeAll(() => ensureBuilt());

const secret = 'pinwise-secret-7f3a9c';

describe('the default environment stays inside the project', () => {
  it('does not follow a .venv that links to an environment outside the project', () => {
    const outside = mkdtempSync(join(tmpdir(), 'pinwise-outside-env-'));
    writeVenv(outside, '3.11.7', [{ name: secret, version: '1.0' }, { name: 'torch', version: '2.3.1' }, { name: 'torchvision', version: '0.17.0' }]);
    const dir = fixtureDir({ 'requirements.txt': 'numpy==1.26.4\n', '.git/HEAD': 'ref: refs/heads/main\n' });
    symlinkSync(outside, join(dir, '.venv'));
    const { stdout, stderr } = runCli(['check', dir]);
    expect(stdout + stderr).not.toContain(secret);
    expect(stdout).not.toContain('installed environment');
    // Named explicitly, the same environment is the user's choice and is read.
    expect(runCli(['check', dir, '--env', outside]).stdout).toContain('torch-family-mismatch');
  });

  it('does not read a METADATA that links out of the project, and quotes nothing of it', () => {
    const outside = mkdtempSync(join(tmpdir(), 'pinwise-outside-file-'));
    writeFileSync(join(outside, 'secret.txt'), `Name: ${secret}\nVersion: not-a-version-${secret}\n`);
    const dir = fixtureDir({ '.git/HEAD': 'ref: refs/heads/main\n' });
    const site = writeVenv(join(dir, '.venv'), '3.11.7', [{ name: 'planted', version: '1.0' }]);
    const info = join(site, 'planted-1.0.dist-info');
    const metadata = join(info, 'METADATA');
    rmSync(metadata);
    symlinkSync(join(outside, 'secret.txt'), metadata);
    const { stdout, stderr } = runCli(['check', dir, '--format', 'sarif']);
    expect(stdout + stderr).not.toContain(secret);
    expect(stdout).toContain('planted-1.0.dist-info has no readable METADATA');
  });
});
