// Dockerfile base images through the engine: a stage starts with what its image holds (its Python,
// the torch family pytorch/pytorch preinstalls, the accelerator) as rules/docker-images.yaml says,
// and with nothing when the data does not know the image.
import { describe, expect, it } from 'vitest';
import { analyze, defaultSettings } from '../../server/src/engine';
import { imageCatalog } from '../../server/src/engine/kb/docker-images';
import type { DockerImagesDocument } from '../../server/src/engine/kb/generated/docker-images';
import type { KnowledgeBase } from '../../server/src/engine/kb/types';
import { check, checkRule, fixPins, grammars, kb } from '../support/analyze';

const lines = (...l: string[]) => l.join('\n') + '\n';

describe('pytorch/pytorch images preinstall the torch family', () => {
  const dockerfile = lines(
    'FROM pytorch/pytorch:2.1.2-cuda11.8-cudnn8-runtime',
    'WORKDIR /workspace',
    'RUN pip install --no-cache-dir torchvision==0.17.0 opencv-python-headless==4.9.0.80',
  );

  it('judges a later torchvision pin against the image torch, located on the FROM tag, with no fix that edits the tag', () => {
    const findings = checkRule('torch-family-mismatch', { Dockerfile: dockerfile });
    expect(findings.map((f) => [f.text, f.message, f.related])).toEqual([
      [
        '==0.17.0',
        'torchvision==0.17.0 cannot install with torch==2.1.2 (preinstalled by the base image): torchvision 0.17.0 is built for torch 2.2.0; torch==2.1.2 (preinstalled by the base image) needs torchvision 0.16.2.',
        [{ file: 'Dockerfile', text: '2.1.2' }],
      ],
    ]);
    // Setting torchvision is fine; setting torch would rewrite the image tag, which the data cannot vouch for.
    expect(findings[0]!.fixes.map((f) => [f.title, f.applicability, f.edits.map((e) => e.span.start > dockerfile.indexOf('\n'))])).toEqual([['Set torchvision to 0.16.2', 'changes-installed', [true]]]);
    expect(fixPins({ Dockerfile: dockerfile }).Dockerfile).toBe(dockerfile.replace('0.17.0', '0.16.2'));
  });

  it('reports the preinstalled torchvision and torchaudio a later torch pin leaves behind, without editing the FROM line', () => {
    const files = { Dockerfile: lines('FROM pytorch/pytorch:2.1.2-cuda11.8-cudnn8-devel', 'RUN pip install torch==2.2.0') };
    const findings = checkRule('torch-family-mismatch', files);
    expect(findings.map((f) => [f.text, f.message.split(':')[0], f.fixes.map((x) => x.title)])).toEqual([
      ['2.1.2-cuda11.8-cudnn8-devel', 'torchvision==0.16.2 (preinstalled by the base image) cannot install with torch==2.2.0', ['Set torch to 2.1.2']],
      ['2.1.2-cuda11.8-cudnn8-devel', 'torchaudio==2.1.2 (preinstalled by the base image) cannot install with torch==2.2.0', ['Set torch to 2.1.2']],
    ]);
    expect(fixPins(files)).toEqual(files);
  });

  it('applies no index option of the stage to what the image installed', () => {
    const files = { Dockerfile: lines('FROM pytorch/pytorch:2.1.2-cuda11.8-cudnn8-runtime', 'RUN pip install --index-url https://download.pytorch.org/whl/cu126 onnx==1.16.0') };
    expect(check(files, { select: ['index-variant-mismatch', 'local-tag-mismatch', 'unknown-wheel-variant'] })).toEqual([]);
  });

  it('lets a stage replace the whole family (a later install replaces the image’s)', () => {
    const files = { Dockerfile: lines('FROM pytorch/pytorch:2.1.2-cuda11.8-cudnn8-runtime', 'RUN pip install torch==2.2.0 torchvision==0.17.0 torchaudio==2.2.0') };
    expect(checkRule('torch-family-mismatch', files)).toEqual([]);
  });

  it('runs the Python the image ships (3.10 for torch 2.1, 3.11 for 2.4)', () => {
    const findings = checkRule('python-version-unsupported', {
      Dockerfile: lines('FROM pytorch/pytorch:2.1.2-cuda12.1-cudnn8-runtime', 'RUN pip install numpy==2.3.0', 'FROM pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime', 'RUN pip install numba==0.56.4 scipy==1.11.4'),
    });
    expect(findings.map((f) => [f.text, f.message.match(/Python 3\.\d+/)![0], f.related])).toEqual([
      ['numpy==2.3.0', 'Python 3.10', [{ file: 'Dockerfile', text: '2.1.2-cuda12.1-cudnn8-runtime' }]],
      ['numba==0.56.4', 'Python 3.11', [{ file: 'Dockerfile', text: '2.4.1-cuda12.1-cudnn9-runtime' }]],
    ]);
  });

  it('says the image targets CUDA, so the CUDA build of a package is the one to keep', () => {
    const files = {
      Dockerfile: lines('FROM nvidia/cuda:12.1.0-cudnn8-runtime-ubuntu22.04', 'COPY requirements.txt /app/', 'RUN pip install -r /app/requirements.txt'),
      'requirements.txt': 'onnxruntime==1.18.0\nonnxruntime-gpu==1.18.0\n',
    };
    const messages = checkRule('distribution-conflict', files).map((f) => f.message);
    expect(messages).toContain(
      "`onnxruntime` and `onnxruntime-gpu` both install the import package `onnxruntime` into Dockerfile (FROM nvidia/cuda:12.1.0-cudnn8-runtime-ubuntu22.04); whichever pip installs last overwrites the other's files. This environment targets CUDA (from the base image nvidia/cuda:12.1.0-cudnn8-runtime-ubuntu22.04), so `onnxruntime-gpu` is the one to keep.",
    );
  });

  it('knows the rocm/pytorch tag grammar: ROCm, Python and torch', () => {
    const findings = check({ Dockerfile: lines('FROM rocm/pytorch:rocm6.0_ubuntu20.04_py3.9_pytorch_2.1.1', 'RUN pip3 install torchvision==0.17.0 numpy==2.1.0') }, { select: ['torch-family-mismatch', 'python-version-unsupported'] });
    expect(findings.map((f) => [f.ruleId, f.message.split(':')[0]])).toEqual([
      ['torch-family-mismatch', 'torchvision==0.17.0 cannot install with torch==2.1.1 (preinstalled by the base image)'],
      ['python-version-unsupported', '`numpy==2.1.0` has no release for Python 3.9 (target Python from Dockerfile)'],
    ]);
  });
});

describe('official python images set the stage Python', () => {
  it('flags a pin with no release for the tag Python, pointing at the version in the tag', () => {
    const files = { Dockerfile: lines('FROM python:3.12-slim', 'RUN pip install --no-cache-dir numpy==1.24.3') };
    expect(checkRule('python-version-unsupported', files).map((f) => [f.text, f.related])).toEqual([['numpy==1.24.3', [{ file: 'Dockerfile', text: '3.12' }]]]);
  });

  it('takes the Python from a global ARG default, per stage, and judges a copied requirements file there', () => {
    const files = {
      'docker/Dockerfile': lines('ARG PYTHON_VERSION=3.12', 'FROM python:${PYTHON_VERSION}-slim-bookworm AS build', 'COPY requirements.txt .', 'RUN pip install -r requirements.txt', 'FROM python:3.10', 'RUN pip install numpy==1.26.4'),
      'docker/requirements.txt': 'numpy==1.24.3\n',
    };
    expect(checkRule('python-version-unsupported', files).map((f) => [f.file, f.text, f.message.match(/Python 3\.\d+/)![0], f.related])).toEqual([
      ['docker/requirements.txt', 'numpy==1.24.3', 'Python 3.12', [{ file: 'docker/Dockerfile', text: 'python:${PYTHON_VERSION}-slim-bookworm' }]],
    ]);
  });

  it('gives a stage built on another stage that stage’s Python and installs', () => {
    const files = { Dockerfile: lines('FROM python:3.12 AS base', 'RUN pip install torch', 'FROM base AS app', 'RUN pip install torch==2.1.2') };
    expect(checkRule('python-version-unsupported', files).map((f) => [f.text, f.message.match(/Python 3\.\d+/)![0]])).toEqual([['torch==2.1.2', 'Python 3.12']]);
  });
});

describe('images the data does not know', () => {
  it('assume nothing: no Python, no packages, no findings from the image', () => {
    const files = {
      Dockerfile: lines(
        'FROM mycorp/pytorch:2.1.2-cuda11.8-cudnn8-runtime',
        'RUN pip install torchvision==0.17.0 numpy==1.24.3',
        'FROM python:3',
        'RUN pip install numpy==1.24.3',
        'FROM python:latest',
        'RUN pip install numpy==1.24.3',
        'FROM pytorch/pytorch:latest',
        'RUN pip install torchvision==0.17.0',
        'FROM pytorch/pytorch:2.99.0-cuda12.9-cudnn9-runtime',
        'RUN pip install torchvision==0.17.0',
        'FROM ubuntu:22.04',
        'RUN pip install numpy==1.24.3',
      ),
    };
    expect(check(files)).toEqual([]);
  });

  it('follow the data: a pattern changed in rules/docker-images.yaml changes what is known', () => {
    const documents = JSON.parse(JSON.stringify(kb.documents)) as Record<string, unknown>;
    const doc = documents['docker-images'] as DockerImagesDocument;
    doc.images.find((i) => i.repository === 'python')!.names.push('mycorp/python');
    const changed: KnowledgeBase = { documents };
    const files = [{ path: 'Dockerfile', text: lines('FROM mycorp/python:3.12', 'RUN pip install numpy==1.24.3') }];
    const run = (knowledge: KnowledgeBase) => analyze({ files, settings: defaultSettings(), kb: knowledge, grammars }).findings.map((f) => f.ruleId);
    expect(run(kb)).toEqual([]);
    expect(run(changed)).toEqual(['python-version-unsupported']);
  });
});

describe('install order and copied files', () => {
  it('lets a later exact pin replace an earlier unpinned install of the same package', () => {
    const files = { Dockerfile: lines('FROM python:3.11-slim', 'RUN pip install torch torchvision', 'RUN pip install torch==2.3.1 torchvision==0.18.1') };
    expect(check(files)).toEqual([]);
    const mismatched = { Dockerfile: lines('FROM python:3.11-slim', 'RUN pip install torch==2.3.1 torchvision', 'RUN pip install torchvision==0.17.0') };
    expect(checkRule('torch-family-mismatch', mismatched).map((f) => f.text)).toEqual(['==0.17.0']);
  });

  it('reads the requirements file COPY put at the path pip reads, beside the Dockerfile or else from the root', () => {
    const files = {
      'services/api/Dockerfile': lines('FROM python:3.11', 'WORKDIR /app', 'COPY requirements.txt ./', 'COPY services/shared/req.txt /opt/shared.txt', 'RUN pip install -r requirements.txt -r /opt/shared.txt'),
      'services/api/requirements.txt': 'torch==2.3.1\n',
      'services/shared/req.txt': 'torchvision==0.17.0\n',
    };
    expect(check(files, { select: ['unresolved-include'] })).toEqual([]);
    expect(checkRule('torch-family-mismatch', files).map((f) => [f.file, f.text])).toEqual([['services/shared/req.txt', '==0.17.0']]);
  });

  it('reports a copied file that is not in the project by the context path looked for', () => {
    const files = { Dockerfile: lines('FROM python:3.11', 'COPY reqs/prod.txt /app/requirements.txt', 'RUN pip install -r /app/requirements.txt') };
    expect(checkRule('unresolved-include', files).map((f) => [f.text, f.message])).toEqual([
      ['/app/requirements.txt', "'/app/requirements.txt' not found (looked for reqs/prod.txt); its pins are not checked."].map((t, i) => (i === 1 ? expect.stringContaining(t) : t)),
    ]);
  });

  it('honours a suppression comment on the RUN line (the shell reads it as a comment)', () => {
    const files = { Dockerfile: lines('FROM pytorch/pytorch:2.1.2-cuda11.8-cudnn8-runtime', 'RUN pip install torchvision==0.17.0  # pinwise: ignore[torch-family-mismatch]') };
    expect(checkRule('torch-family-mismatch', files)).toEqual([]);
    expect(checkRule('torch-family-mismatch', { Dockerfile: files.Dockerfile.replace('# pinwise: ignore[torch-family-mismatch]', '# pinned for the demo') })).toHaveLength(1);
  });
});

describe('rules/docker-images.yaml', () => {
  it('every tag example matches its pattern and says what the pattern names', () => {
    const catalog = imageCatalog(kb)!;
    const doc = kb.documents['docker-images'] as DockerImagesDocument;
    for (const image of doc.images) {
      for (const tag of image.tags) {
        const contents = catalog.contentsOf(`${image.names[0]}:${tag.example}`);
        expect(contents, `${image.repository}:${tag.example}`).not.toBeNull();
        expect(contents!.repository).toBe(image.repository);
      }
    }
    expect(catalog.contentsOf('docker.io/library/python:3.12.1-slim')?.python?.version).toBe('3.12');
    expect(catalog.contentsOf('pytorch/pytorch:2.1.2-cuda11.8-cudnn8-runtime')).toMatchObject({
      python: { version: '3.10' },
      packages: [
        { name: 'torch', version: '2.1.2', at: [16, 21] },
        { name: 'torchvision', version: '0.16.2' },
        { name: 'torchaudio', version: '2.1.2' },
      ],
      accelerator: { family: 'cuda', version: '11.8', variant: 'cu118' },
    });
    expect(catalog.contentsOf('nvidia/cuda:12.1.0-runtime-ubuntu22.04')).toMatchObject({ packages: [], accelerator: { family: 'cuda', version: '12.1', variant: 'cu121' } });
    expect(catalog.contentsOf('nvidia/cuda:12.1.0-runtime-ubuntu22.04')?.python).toBeUndefined();
    for (const unknown of ['python', 'python:3', 'python:latest', 'python:slim', 'localhost:5000/python:3.12', 'pytorch/pytorch:latest', 'scratch']) expect(catalog.contentsOf(unknown), unknown).toBeNull();
  });
});
