// Dockerfiles end to end through the CLI (its main(), in-process) on fixture projects written like real
// ones (a GPU app on nvidia/cuda copying its requirements to /tmp, a multi-stage build on the
// PyTorch image, a malformed file), in text, json and sarif.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixtureDir, runCliInProcess, findingsOf } from './run-cli';

beforeAll(() => ensureBuilt());

/** A web UI's GPU image: CUDA base, apt's Python, requirements copied to /tmp in one COPY. */
const gpuApp = {
  Dockerfile: [
    'FROM nvidia/cuda:12.1.0-cudnn8-runtime-ubuntu22.04',
    'ENV DEBIAN_FRONTEND=noninteractive',
    '',
    'RUN apt-get update -y && \\',
    '    apt-get install -y --no-install-recommends python3-pip python-is-python3 git libgl1 && \\',
    '    rm -rf /var/lib/apt/lists/*',
    '',
    'COPY requirements_docker.txt requirements_versions.txt /tmp/',
    'RUN pip install --no-cache-dir -r /tmp/requirements_docker.txt -r /tmp/requirements_versions.txt && \\',
    '    rm -f /tmp/requirements_*.txt',
    'RUN pip install --no-cache-dir xformers==0.0.22 --no-deps',
    '',
    'WORKDIR /content',
    'COPY entrypoint.sh /content/',
    'CMD [ "sh", "-c", "/content/entrypoint.sh --listen" ]',
    '',
  ].join('\n'),
  'requirements_docker.txt': 'torch==2.1.0\ntorchvision==0.17.0\n',
  'requirements_versions.txt': 'numpy==1.26.4\nonnxruntime==1.16.3\nonnxruntime-gpu==1.16.3\n',
  'entrypoint.sh': '#!/bin/sh\nexec python entry_with_update.py "$@"\n',
};

/** A training image: builder stage on the PyTorch image, a slim runtime on python:${PY}. */
const multiStage = {
  'docker/Dockerfile': [
    '# syntax=docker/dockerfile:1.6',
    'ARG PY=3.12',
    'FROM pytorch/pytorch:2.1.2-cuda11.8-cudnn8-devel AS builder',
    'WORKDIR /workspace',
    'COPY requirements/ requirements/',
    'RUN --mount=type=cache,target=/root/.cache/pip \\',
    '    pip install -r requirements/train.txt',
    '',
    'FROM builder AS test',
    'RUN pip install pytest==8.2.0 torchvision==0.17.0',
    '',
    'FROM python:${PY}-slim AS serve',
    'COPY --from=builder /opt/conda /opt/conda',
    'COPY requirements/serve.txt /srv/requirements.txt',
    'RUN pip install --no-cache-dir -r /srv/requirements.txt',
    '',
  ].join('\n'),
  'docker/requirements/train.txt': 'lightning==2.2.0\ntorchaudio==2.1.2\n',
  'docker/requirements/serve.txt': 'numpy==1.24.3\nfastapi==0.110.0\n',
};

describe('pinwise check on Dockerfiles', () => {
  it('follows COPY to the files pip reads and judges them in the image (json)', async () => {
    const { status, stdout, stderr } = await runCliInProcess(['check', fixtureDir(gpuApp), '--format', 'json']);
    expect(stderr).toBe('');
    expect(status).toBe(1);
    const findings = findingsOf(stdout);
    expect(findings.map((f) => f.ruleId)).not.toContain('unresolved-include');
    expect(findings.filter((f) => f.file === 'requirements_docker.txt').map((f) => [f.ruleId, f.startLine])).toEqual([['torch-family-mismatch', 2]]);
    // The CUDA base image says which onnxruntime build belongs there.
    const conflict = findings.find((f) => f.ruleId === 'distribution-conflict' && f.message.includes('Dockerfile (FROM nvidia/cuda'))!;
    expect(conflict.message).toContain('This environment targets CUDA (from the base image nvidia/cuda:12.1.0-cudnn8-runtime-ubuntu22.04), so `onnxruntime-gpu` is the one to keep.');
    expect(conflict.fixes).toEqual([expect.objectContaining({ title: 'Remove onnxruntime (keep onnxruntime-gpu)', applicability: 'changes-installed' })]);
  });

  it('gives each stage its base image: the PyTorch image torch, then python:${PY} (text)', async () => {
    const { status, stdout } = await runCliInProcess(['check', fixtureDir(multiStage)]);
    expect(status).toBe(1);
    expect(stdout).toContain(
      '10:42   error   torchvision==0.17.0 cannot install with torch==2.1.2 (preinstalled by the base image): torchvision 0.17.0 is built for torch 2.2.0; torch==2.1.2 (preinstalled by the base image) needs torchvision 0.16.2.  torch-family-mismatch',
    );
    expect(stdout).toContain('↳ docker/Dockerfile:3:22 torch 2.1.2 is preinstalled by this base image');
    expect(stdout).toContain('`numpy==1.24.3` has no release for Python 3.12 (target Python from docker/Dockerfile)');
    // torchaudio 2.1.2 in the builder matches the image torch: not reported.
    expect(stdout).not.toContain('torchaudio==2.1.2 cannot');
  });

  it('reports the locations in SARIF, the related base image included, and never offers to rewrite the FROM line', async () => {
    const { stdout } = await runCliInProcess(['check', fixtureDir(multiStage), '--format', 'sarif']);
    const log = JSON.parse(stdout);
    const results = log.runs[0].results as {
      ruleId: string;
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[];
      relatedLocations?: { physicalLocation: { region: { startLine: number } } }[];
      fixes?: { artifactChanges: { replacements: { deletedRegion: { startLine: number } }[] }[] }[];
    }[];
    const mismatch = results.find((r) => r.ruleId === 'torch-family-mismatch')!;
    expect(mismatch.locations[0]!.physicalLocation.artifactLocation.uri).toBe('docker/Dockerfile');
    expect(mismatch.locations[0]!.physicalLocation.region).toMatchObject({ startLine: 10, startColumn: 42 });
    expect(mismatch.relatedLocations!.map((r) => r.physicalLocation.region.startLine)).toEqual([3]);
    const editedLines = results.flatMap((r) => r.fixes ?? []).flatMap((f) => f.artifactChanges.flatMap((c) => c.replacements.map((x) => x.deletedRegion.startLine)));
    expect(editedLines).not.toContain(3);
  });

  it('applies the safe fix to the RUN line only', async () => {
    const dir = fixtureDir(multiStage);
    await runCliInProcess(['check', dir, '--fix', '--unsafe-fixes']);
    const after = readFileSync(join(dir, 'docker/Dockerfile'), 'utf8');
    expect(after).toBe(multiStage['docker/Dockerfile'].replace('torchvision==0.17.0', 'torchvision==0.16.2'));
  });

  it('reports a malformed Dockerfile as syntax errors and still checks what it can', async () => {
    const dir = fixtureDir({
      Dockerfile: ['FROM python:3.12-slim AS', 'RUN pip install --no-cache-dir \\', '    numpy==1.24.3', '    pandas==2.2.2', 'COPY requirements.txt', ''].join('\n'),
    });
    const { status, stdout } = await runCliInProcess(['check', dir, '--format', 'json']);
    expect(status).toBe(1);
    expect(findingsOf(stdout).map((f) => [f.ruleId, f.startLine, f.message.split(':')[0]])).toEqual([
      ['syntax-error', 1, 'FROM takes an image and an optional `AS name`; Docker rejects the rest.'],
      ['python-version-unsupported', 3, '`numpy==1.24.3` has no release for Python 3.12 (target Python from Dockerfile)'],
      ['syntax-error', 4, "Unknown instruction 'pandas'"],
      ['syntax-error', 5, 'COPY needs a source and a destination.'],
    ]);
  });

  it('assumes nothing about an image the data does not know', async () => {
    const dir = fixtureDir({ Dockerfile: 'FROM ghcr.io/acme/ml-base:2024.06\nRUN pip install torchvision==0.17.0 numpy==1.24.3\n' });
    const { status, stdout } = await runCliInProcess(['check', dir]);
    expect(status).toBe(0);
    expect(stdout).toContain('No problems found');
  });
});
