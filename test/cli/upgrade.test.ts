// `pinwise upgrade torch==X`: one release row across every file kind, tags and index URLs included,
// everything else byte for byte; --dry-run writes nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixtureDir, runCliInProcess } from './run-cli';
import { torchKnowledge } from '../../server/src/engine/kb/torch';
import type { KnowledgeBase } from '../../server/src/engine/kb/types';
import { isAcceleratorName } from '../../server/src/engine/stack';
import { testKnowledgeBase } from '../support/knowledge-base';

beforeAll(() => ensureBuilt());

const NOTEBOOK = '{\n "cells": [\n  {\n   "cell_type": "code",\n   "execution_count": null,\n   "metadata": {},\n   "outputs": [],\n   "source": [\n    "%pip install torch==2.2.2 torchvision==0.17.2\\n",\n    "import torch"\n   ]\n  }\n ],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n';

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
const torchFindings = async (dir: string) => {
  const { stdout } = (await runCliInProcess(['check', dir, '--format', 'json', '--select', 'torch-family-mismatch,local-tag-mismatch,index-variant-mismatch,unknown-wheel-variant']));
  const parsed = JSON.parse(stdout);
  return ((Array.isArray(parsed) ? parsed : parsed.findings) as { file: string; startLine: number; ruleId: string }[]).map((f) => `${f.file}:${f.startLine} ${f.ruleId}`);
};

describe('pinwise upgrade', () => {
  it('moves every file to one release row, keeping each variant where the release has it', async () => {
    const dir = fixtureDir(files);
    const { status, stdout } = (await runCliInProcess(['upgrade', 'torch==2.3.1', dir]));
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

  it('moves tags and index URLs to the family’s variant when the release dropped the old one', async () => {
    const dir = fixtureDir(files);
    expect((await runCliInProcess(['upgrade', 'torch==2.5.1', dir])).status).toBe(0);
    const after = read(dir);
    expect(after['requirements.txt']).toContain('--extra-index-url https://download.pytorch.org/whl/rocm6.2\r\ntorch==2.5.1+rocm6.2  # keep me\r\ntorchvision==0.20.1+rocm6.2\r\ntorchaudio==2.5.1+rocm6.2\r\n');
    expect(after['pyproject.toml']).toContain('url = "https://download.pytorch.org/whl/rocm6.2"');
    expect(after['setup.sh']).toContain('torchvision==0.20.1+rocm6.2 --index-url https://download.pytorch.org/whl/rocm6.2');
    // Only the script, whose torch comes from a variable left as it was, still mixes releases.
    expect((await torchFindings(dir)).filter((f) => !f.startsWith('setup.sh:'))).toEqual([]);
  });

  it('moves everything to one accelerator with --accelerator', async () => {
    const dir = fixtureDir(files);
    expect((await runCliInProcess(['upgrade', 'torch==2.5.1', dir, '--accelerator', 'cu124'])).status).toBe(0);
    const after = read(dir);
    expect(after['requirements-cpu.txt']).toBe('--extra-index-url https://download.pytorch.org/whl/cu124\ntorch==2.5.1+cu124\ntorchvision==0.20.1+cu124\n');
    expect(after['requirements.txt']).toContain('torchaudio==2.5.1+cu124');
  });

  it('prints the diff and writes nothing with --dry-run', async () => {
    const dir = fixtureDir(files);
    const before = read(dir);
    const { status, stdout } = (await runCliInProcess(['upgrade', 'torch==2.3.1', dir, '--dry-run']));
    expect(status).toBe(0);
    expect(read(dir)).toEqual(before);
    expect(stdout).toContain('--- a/requirements-cpu.txt\n+++ b/requirements-cpu.txt\n');
    expect(stdout).toContain('-torch==2.2.2+cpu\n-torchvision==0.17.2+cpu\n+torch==2.3.1+cpu\n+torchvision==0.18.1+cpu\n');
  });

  it('refuses a release it does not know, or a variant the release lacks, and writes nothing', async () => {
    const dir = fixtureDir(files);
    const before = read(dir);
    expect((await runCliInProcess(['upgrade', 'torch==9.9.9', dir])).status).toBe(1);
    expect((await runCliInProcess(['upgrade', 'torch==2.3.1', dir, '--accelerator', 'cu130'])).status).toBe(1);
    expect((await runCliInProcess(['upgrade', 'numpy==2.0', dir])).status).toBe(2);
    expect(read(dir)).toEqual(before);
  });

  it('reads --accelerator as the knowledge base names variants: an unknown one is a usage error, a listed one is planned', async () => {
    const dir = fixtureDir(files);
    const before = read(dir);
    for (const name of ['gpu', 'cuda12', 'rocm7', 'cu12.6']) {
      const { status, stderr } = (await runCliInProcess(['upgrade', 'torch==2.12.0', dir, '--accelerator', name]));
      expect(status, name).toBe(2);
      expect(stderr).toContain(`--accelerator: unknown accelerator '${name}'`);
    }
    expect(read(dir)).toEqual(before);
    // rocm7.2: a variant of torch 2.12.0 in rules/torch.yaml.
    const { status, stdout } = (await runCliInProcess(['upgrade', 'torch==2.12.0', dir, '--accelerator', 'rocm7.2', '--dry-run']));
    expect(status).toBe(0);
    expect(stdout).toContain('torch 2.12.0, torchvision 0.27.0');
    expect(stdout).toContain('(rocm7.2)');
    expect(stdout).toContain('+torch==2.12.0+rocm7.2');
  });
});

describe('isAcceleratorName', () => {
  const kb = testKnowledgeBase();
  const view = torchKnowledge(kb);
  it('accepts the families and the names their variantNames patterns read', () => {
    for (const name of ['cpu', 'cuda', 'rocm', 'xpu', 'cu126', 'cu134', 'rocm7.2', 'rocm6.2.4']) expect(isAcceleratorName(view, name), name).toBe(true);
    for (const name of ['gpu', 'cuda12', 'rocm7', 'cu1', '', 'cpu.cxx11.abi']) expect(isAcceleratorName(view, name), name).toBe(false);
    expect(isAcceleratorName(null, 'cpu')).toBe(false);
  });

  it('follows the data, not a grammar of its own: a knowledge base without the ROCm pattern knows no ROCm name', () => {
    const torch = structuredClone(kb.documents['torch']) as { variantNames: { families: { family: string }[] } };
    torch.variantNames.families = torch.variantNames.families.filter((f) => f.family !== 'rocm');
    const without = torchKnowledge({ ...kb, documents: { ...kb.documents, torch } } as KnowledgeBase);
    expect(isAcceleratorName(without, 'rocm7.2')).toBe(false);
    expect(isAcceleratorName(without, 'rocm')).toBe(false);
    expect(isAcceleratorName(without, 'cu126')).toBe(true);
  });
});

// One project with a file of every kind that writes torch pins: each is moved in its own syntax
// (conda's `=X` stays fuzzy, `pytorch-cuda` follows the CUDA build), and what cannot be moved safely
// — a lock, a base image's torch, a retired conda channel, a build string — is left and said.
const everyKind = {
  '.git/HEAD': 'ref: refs/heads/main\n',
  'environment.yml': 'name: app\nchannels:\n  - pytorch\n  - nvidia\ndependencies:\n  - python=3.10\n  - pytorch=2.2.2\n  - pytorch::torchvision==0.17.2\n  - torchaudio=2.2.*\n  - pytorch-cuda=12.1\n  - pip:\n      - torchvision==0.17.2\n',
  'conda/forge.yml': 'channels:\n  - conda-forge\ndependencies:\n  - pytorch=2.2.2=cuda120_py310h1_0\n  - torchvision=0.17.2\n',
  'cog.yaml': 'build:\n  gpu: true\n  python_version: "3.10"\n  python_packages:\n    - "torch==2.2.2"\n    - "torchvision==0.17.2"\n',
  '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-python@v5\n        with:\n          python-version: "3.10"\n      - run: pip install torch==2.2.2 torchvision==0.17.2 --index-url https://download.pytorch.org/whl/cpu\n',
  '.gitlab-ci.yml': 'test:\n  image: python:3.10\n  script:\n    - pip install "torch==2.2.2" "torchvision==0.17.2"\n',
  'webui-user.bat': '@echo off\r\nset COMMANDLINE_ARGS=\r\npip install torch==2.2.2 torchvision==0.17.2 --index-url https://download.pytorch.org/whl/cu121\r\n',
  'install.ps1': 'pip install torch==2.2.2 torchvision==0.17.2 --index-url https://download.pytorch.org/whl/cu121\n',
  Dockerfile: 'FROM pytorch/pytorch:2.2.2-cuda12.1-cudnn8-runtime\nRUN pip install torchvision==0.17.2\n',
  'demo.ipynb': NOTEBOOK,
  'uv.lock': 'version = 1\nrequires-python = ">=3.10"\n\n[[package]]\nname = "torch"\nversion = "2.2.2"\nsource = { registry = "https://pypi.org/simple" }\n',
};

describe('pinwise upgrade across every file kind', () => {
  const kindPaths = Object.keys(everyKind).filter((p) => !p.startsWith('.git/'));
  const readAll = (dir: string) => Object.fromEntries(kindPaths.map((p) => [p, readFileSync(join(dir, p), 'utf8')]));

  it('rewrites each kind in its own syntax and reports what it leaves', async () => {
    const dir = fixtureDir(everyKind);
    const { status, stdout } = (await runCliInProcess(['upgrade', 'torch==2.5.1', dir, '--accelerator', 'cu124']));
    expect(status).toBe(0);
    const after = readAll(dir);
    expect(after['environment.yml']).toBe('name: app\nchannels:\n  - pytorch\n  - nvidia\ndependencies:\n  - python=3.10\n  - pytorch=2.5.1\n  - pytorch::torchvision==0.20.1\n  - torchaudio=2.5.*\n  - pytorch-cuda=12.4\n  - pip:\n      - torchvision==0.20.1\n');
    expect(after['conda/forge.yml']).toBe('channels:\n  - conda-forge\ndependencies:\n  - pytorch=2.5.1=cuda120_py310h1_0\n  - torchvision=0.20.1\n');
    expect(after['cog.yaml']).toContain('    - "torch==2.5.1"\n    - "torchvision==0.20.1"\n');
    expect(after['.github/workflows/ci.yml']).toContain('run: pip install torch==2.5.1 torchvision==0.20.1 --index-url https://download.pytorch.org/whl/cu124\n');
    expect(after['.gitlab-ci.yml']).toContain('- pip install "torch==2.5.1" "torchvision==0.20.1"\n');
    expect(after['webui-user.bat']).toBe('@echo off\r\nset COMMANDLINE_ARGS=\r\npip install torch==2.5.1 torchvision==0.20.1 --index-url https://download.pytorch.org/whl/cu124\r\n');
    expect(after['install.ps1']).toBe('pip install torch==2.5.1 torchvision==0.20.1 --index-url https://download.pytorch.org/whl/cu124\n');
    expect(after.Dockerfile).toBe('FROM pytorch/pytorch:2.2.2-cuda12.1-cudnn8-runtime\nRUN pip install torchvision==0.20.1\n');
    expect(JSON.parse(after['demo.ipynb']).cells[0].source[0]).toBe('%pip install torch==2.5.1 torchvision==0.20.1\n');
    expect(after['demo.ipynb']).toBe(NOTEBOOK.replace('torch==2.2.2 torchvision==0.17.2', 'torch==2.5.1 torchvision==0.20.1'));
    expect(after['uv.lock']).toBe(everyKind['uv.lock']);
    expect(stdout).toContain('left uv.lock:1: a lock file: regenerate it with');
    expect(stdout).toContain('left Dockerfile:1: the base image pytorch/pytorch:2.2.2-cuda12.1-cudnn8-runtime installs torch 2.2.2: change FROM to an image of torch 2.5.1 by hand');
    expect(stdout).toContain("left conda/forge.yml:4: pytorch's build string `cuda120_py310h1_0` names a build of the old release");
  });

  it('leaves conda packages of a channel that stopped publishing torch, and says why', async () => {
    const dir = fixtureDir(everyKind);
    expect((await runCliInProcess(['upgrade', 'torch==2.6.0', dir])).stdout).toContain(
      'left environment.yml:7: pytorch, torchvision, torchaudio come from the conda channel `pytorch`, which published torch up to 2.5 (https://github.com/pytorch/pytorch/issues/138506): left as written',
    );
    const after = readAll(dir);
    // Its pip: list moves; conda-forge's packages move; the pytorch channel's stay.
    expect(after['environment.yml']).toContain('  - pytorch=2.2.2\n  - pytorch::torchvision==0.17.2\n  - torchaudio=2.2.*\n  - pytorch-cuda=12.1\n  - pip:\n      - torchvision==0.21.0\n');
    expect(after['conda/forge.yml']).toContain('  - pytorch=2.6.0=cuda120_py310h1_0\n  - torchvision=0.21.0\n');
  });

  it('shows every kind in the --dry-run diff and writes nothing', async () => {
    const dir = fixtureDir(everyKind);
    const before = readAll(dir);
    const { status, stdout } = (await runCliInProcess(['upgrade', 'torch==2.5.1', dir, '--dry-run']));
    expect(status).toBe(0);
    expect(readAll(dir)).toEqual(before);
    for (const file of ['environment.yml', 'conda/forge.yml', 'cog.yaml', '.github/workflows/ci.yml', '.gitlab-ci.yml', 'webui-user.bat', 'install.ps1', 'Dockerfile', 'demo.ipynb']) {
      expect(stdout).toContain(`--- a/${file}\n+++ b/${file}\n`);
    }
    expect(stdout).not.toContain('--- a/uv.lock');
  });
});
