// `pinwise upgrade torch==X`: one release row across every file kind, tags and index URLs included,
// everything else byte for byte; --dry-run writes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixtureDir, runCli } from './run-cli';

beforeAll(() => ensureBuilt());

const files = {
  '.git/HEAD': 'ref: refs/heads/main\n',
  'requirements.txt': '# ROCm box\r\n--extra-index-url https://download.pytorch.org/whl/rocm5.7\r\ntorch==2.2.2+rocm5.7  # keep me\r\ntorchvision==0.17.2+rocm5.7\r\ntorchaudio==2.2.2+rocm5.7\r\nnumpy<2\r\n',
  'requirements-cpu.txt': '--extra-index-url https://download.pytorch.org/whl/cpu\ntorch==2.2.2+cpu\ntorchvision==0.17.2+cpu\n',
  'pyproject.toml': [
    '[project]',
    'name = "app"',
    'version = "0.1.0"',
    'dependencies = ["torch==2.2.2", "torchvision>=0.17,<0.18", "torchaudio>=2.0"]',
    '',
    '[[tool.uv.index]]',
    'name = "pytorch-rocm"',
    'url = "https://download.pytorch.org/whl/rocm5.7"',
    'explicit = true',
    '',
    '[tool.uv.sources]',
    'torch = [{ index = "pytorch-rocm" }]',
    '',
  ].join('\n'),
  'setup.sh': '#!/bin/sh\nTORCH_VERSION=2.2.2\npip install "torch==${TORCH_VERSION}+rocm5.7"\npip install torchvision==0.17.2+rocm5.7 --index-url https://download.pytorch.org/whl/rocm5.7\n',
  Dockerfile: 'FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.2.2 torchvision==0.17.2\n',
};
const paths = Object.keys(files).filter((p) => !p.startsWith('.git'));
const read = (dir: string) => Object.fromEntries(paths.map((p) => [p, readFileSync(join(dir, p), 'utf8')]));
const torchFindings = (dir: string) => {
  const { stdout } = runCli(['check', dir, '--format', 'json', '--select', 'torch-family-mismatch,local-tag-mismatch,index-variant-mismatch,unknown-wheel-variant']);
  const parsed = JSON.parse(stdout);
  return ((Array.isArray(parsed) ? parsed : parsed.findings) as { file: string; startLine: number; ruleId: string }[]).map((f) => `${f.file}:${f.startLine} ${f.ruleId}`);
};

describe('pinwise upgrade', () => {
  it('moves every file to one release row, keeping each variant where the release has it', () => {
    const dir = fixtureDir(files);
    const { status, stdout } = runCli(['upgrade', 'torch==2.3.1', dir]);
    expect(status).toBe(0);
    expect(stdout).toContain('Upgrading the PyTorch family to torch 2.3.1, torchvision 0.18.1, torchaudio 2.3.1');
    const after = read(dir);
    expect(after['requirements.txt']).toBe('# ROCm box\r\n--extra-index-url https://download.pytorch.org/whl/rocm5.7\r\ntorch==2.3.1+rocm5.7  # keep me\r\ntorchvision==0.18.1+rocm5.7\r\ntorchaudio==2.3.1+rocm5.7\r\nnumpy<2\r\n');
    expect(after['requirements-cpu.txt']).toBe('--extra-index-url https://download.pytorch.org/whl/cpu\ntorch==2.3.1+cpu\ntorchvision==0.18.1+cpu\n');
    expect(after['pyproject.toml']).toContain('dependencies = ["torch==2.3.1", "torchvision==0.18.1", "torchaudio>=2.0"]');
    expect(after['setup.sh']).toBe('#!/bin/sh\nTORCH_VERSION=2.2.2\npip install "torch==${TORCH_VERSION}+rocm5.7"\npip install torchvision==0.18.1+rocm5.7 --index-url https://download.pytorch.org/whl/rocm5.7\n');
    expect(after.Dockerfile).toBe('FROM python:3.11-slim\nRUN pip install --no-cache-dir torch==2.3.1 torchvision==0.18.1\n');
    // The pin written through a variable is left, and said.
    expect(stdout).toContain("left setup.sh:3: torch's version is written through a variable here: set it to 2.3.1 by hand");
  });

  it('moves tags and index URLs to the family’s variant when the release dropped the old one', () => {
    const dir = fixtureDir(files);
    expect(runCli(['upgrade', 'torch==2.5.1', dir]).status).toBe(0);
    const after = read(dir);
    expect(after['requirements.txt']).toContain('--extra-index-url https://download.pytorch.org/whl/rocm6.2\r\ntorch==2.5.1+rocm6.2  # keep me\r\ntorchvision==0.20.1+rocm6.2\r\ntorchaudio==2.5.1+rocm6.2\r\n');
    expect(after['pyproject.toml']).toContain('url = "https://download.pytorch.org/whl/rocm6.2"');
    expect(after['setup.sh']).toContain('torchvision==0.20.1+rocm6.2 --index-url https://download.pytorch.org/whl/rocm6.2');
    // Only the script, whose torch comes from a variable left as it was, still mixes releases.
    expect(torchFindings(dir).filter((f) => !f.startsWith('setup.sh:'))).toEqual([]);
  });

  it('moves everything to one accelerator with --accelerator', () => {
    const dir = fixtureDir(files);
    expect(runCli(['upgrade', 'torch==2.5.1', dir, '--accelerator', 'cu124']).status).toBe(0);
    const after = read(dir);
    expect(after['requirements-cpu.txt']).toBe('--extra-index-url https://download.pytorch.org/whl/cu124\ntorch==2.5.1+cu124\ntorchvision==0.20.1+cu124\n');
    expect(after['requirements.txt']).toContain('torchaudio==2.5.1+cu124');
  });

  it('prints the diff and writes nothing with --dry-run', () => {
    const dir = fixtureDir(files);
    const before = read(dir);
    const { status, stdout } = runCli(['upgrade', 'torch==2.3.1', dir, '--dry-run']);
    expect(status).toBe(0);
    expect(read(dir)).toEqual(before);
    expect(stdout).toContain('--- a/requirements-cpu.txt\n+++ b/requirements-cpu.txt\n');
    expect(stdout).toContain('-torch==2.2.2+cpu\n-torchvision==0.17.2+cpu\n+torch==2.3.1+cpu\n+torchvision==0.18.1+cpu\n');
  });

  it('refuses a release it does not know, or a variant the release lacks, and writes nothing', () => {
    const dir = fixtureDir(files);
    const before = read(dir);
    expect(runCli(['upgrade', 'torch==9.9.9', dir]).status).toBe(1);
    expect(runCli(['upgrade', 'torch==2.3.1', dir, '--accelerator', 'cu130']).status).toBe(1);
    expect(runCli(['upgrade', 'numpy==2.0', dir]).status).toBe(2);
    expect(read(dir)).toEqual(before);
  });
});
