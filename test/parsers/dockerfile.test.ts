// Dockerfile structure: stages (FROM, `AS`, stages built on stages), global ARG defaults in FROM,
// COPY/ADD from the build context to image paths, WORKDIR, and what Docker rejects. The RUN lines
// themselves are shell (test/parsers/shell.test.ts).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Grammars } from '../../server/src/engine/grammars';
import type { ParsedFile, Span } from '../../server/src/engine/model';
import { parseFile } from '../../server/src/engine/kinds';
import { loadGrammars } from '../../server/src/host/grammars';

let grammars: Grammars;
beforeAll(async () => {
  grammars = await loadGrammars();
});

const at = (text: string, span: Span | null | undefined) => (span ? text.slice(span.start, span.end) : null);
const parse = (text: string, path = 'Dockerfile'): ParsedFile => parseFile({ path, text }, 'dockerfile', grammars);
const lines = (...l: string[]) => l.join('\n') + '\n';

/** Each include's target with the context paths COPY says it came from. */
const copied = (file: ParsedFile) => file.includes.map((i) => [i.target, i.copiedFrom ?? null]);

describe('Dockerfile stages', () => {
  it('makes one scope per FROM, names it, and puts each RUN in its stage and in the stages built on it', () => {
    const text = lines(
      '# syntax=docker/dockerfile:1',
      'ARG PY=3.11',
      'ARG BASE=nvidia/cuda:12.1.0-runtime-ubuntu22.04',
      'FROM --platform=linux/amd64 python:${PY}-slim AS builder',
      'RUN pip install numpy==1.26.4',
      'FROM builder as test',
      'RUN pip install pytest==8.0.0',
      'FROM ${BASE}',
      'RUN pip install onnxruntime-gpu==1.18.0   # café',
    );
    const file = parse(text);
    expect(file.problems).toEqual([]);
    expect(file.scopes!.map((s) => [s.id, s.label, s.baseImage?.reference, at(text, s.baseImage?.span), s.baseImage?.literal, s.baseImage?.line])).toEqual([
      ['stage-0', 'stage builder, FROM python:${PY}-slim', 'python:3.11-slim', 'python:${PY}-slim', false, 4],
      ['stage-1', 'stage test, FROM builder', 'python:3.11-slim', 'python:${PY}-slim', false, 4],
      ['stage-2', 'FROM ${BASE}', 'nvidia/cuda:12.1.0-runtime-ubuntu22.04', '${BASE}', false, 8],
    ]);
    expect(file.commands!.map((c) => [at(text, c.span)!.split(' ').pop(), c.scopes])).toEqual([
      ['numpy==1.26.4', ['stage-0', 'stage-1']],
      ['pytest==8.0.0', ['stage-1']],
      ['onnxruntime-gpu==1.18.0', ['stage-2']],
    ]);
  });

  it('writes a literal image as is, drops a digest from nothing, and leaves an unknown ARG unresolved', () => {
    const text = lines('ARG TAG', 'FROM pytorch/pytorch:2.1.2-cuda11.8-cudnn8-runtime@sha256:abc', 'RUN pip install x==1', 'FROM python:${TAG}', 'RUN pip install y==1');
    const file = parse(text);
    expect(file.scopes!.map((s) => [s.baseImage?.reference ?? null, s.baseImage?.literal ?? null])).toEqual([
      ['pytorch/pytorch:2.1.2-cuda11.8-cudnn8-runtime@sha256:abc', true],
      [null, null],
    ]);
  });

  it('reports what Docker rejects as syntax errors, at the instruction', () => {
    const text = lines(
      'RUN pip install numpy==1.26.4',
      'FROM',
      'FROM python:3.12-slim AS',
      'RUN pip install torch==2.3.1 \\',
      '    torchvision==0.18.1',
      'pip install onnxruntime',
      'COPY requirements.txt',
      'RUN <<EOF',
      'pip install pandas==2.2.2',
      'EOF',
      'HEALTHCHECK CMD curl -f http://localhost/ || exit 1',
    );
    const file = parse(text);
    expect(file.problems.map((p) => [p.line, at(text, p.span), p.message])).toEqual([
      [1, 'RUN', 'RUN before the first FROM: Docker allows only ARG there.'],
      [2, 'FROM', 'FROM names no image: every stage needs a base image (or `scratch`).'],
      [3, 'AS', 'FROM takes an image and an optional `AS name`; Docker rejects the rest.'],
      [6, 'pip', "Unknown instruction 'pip': Docker stops the build here (a RUN line continued without a trailing '\\'?)."],
      [7, 'COPY', 'COPY needs a source and a destination.'],
    ]);
    // A RUN before any FROM runs in no stage; a FROM without an image starts none.
    expect(file.commands!.map((c) => c.scopes)).toEqual([[], ['stage-0']]);
  });

  it('has no stages without a FROM (every command then belongs to the file)', () => {
    const file = parse('RUN pip install numpy==1.26.4\n');
    expect(file.scopes).toBeUndefined();
  });
});

describe('COPY and ADD', () => {
  it('maps an image path read by pip to the context files copied there', () => {
    const text = lines(
      'FROM python:3.12-slim',
      'COPY requirements.txt /app/',
      'COPY docker/reqs/gpu.txt /opt/gpu-requirements.txt',
      'COPY requirements/ /srv/requirements/',
      'COPY ["constraints file.txt", "/etc/pip/"]',
      'COPY --chown=app:app requirements*.txt /wheels/',
      'RUN pip install -r /app/requirements.txt -r /opt/gpu-requirements.txt \\',
      '    -r /srv/requirements/base.txt -c "/etc/pip/constraints file.txt" -r /wheels/requirements-dev.txt',
    );
    expect(copied(parse(text))).toEqual([
      ['/app/requirements.txt', ['requirements.txt', 'requirements.txt/requirements.txt']],
      ['/opt/gpu-requirements.txt', ['docker/reqs/gpu.txt']],
      ['/srv/requirements/base.txt', ['requirements/base.txt']],
      ['/etc/pip/constraints file.txt', ['constraints file.txt', 'constraints file.txt/constraints file.txt']],
      ['/wheels/requirements-dev.txt', ['requirements-dev.txt']],
    ]);
  });

  it('resolves relative paths against WORKDIR (and ENV / ARG values), in every stage built on it', () => {
    const text = lines(
      'FROM python:3.11 AS base',
      'ARG APP=/srv',
      'ENV HOME_DIR=${APP}/app',
      'WORKDIR $HOME_DIR',
      'COPY . .',
      'RUN pip install -r requirements.txt',
      'FROM base AS dev',
      'WORKDIR tools',
      'RUN pip install -r ../dev-requirements.txt -r local.txt',
    );
    expect(copied(parse(text))).toEqual([
      ['requirements.txt', ['requirements.txt']],
      ['../dev-requirements.txt', ['dev-requirements.txt']],
      ['local.txt', ['tools/local.txt']],
    ]);
  });

  it('takes the last copy that reaches a path; a copy from another stage or a URL hides the context file', () => {
    const text = lines(
      'FROM python:3.11 AS deps',
      'COPY requirements.txt /app/requirements.txt',
      'COPY requirements-lock.txt /app/requirements.txt',
      'RUN pip install -r /app/requirements.txt',
      'FROM python:3.11',
      'COPY requirements.txt /app/',
      'COPY --from=deps /app/requirements.txt /app/requirements.txt',
      'ADD https://example.com/constraints.txt /app/constraints.txt',
      'RUN pip install -r /app/requirements.txt -c /app/constraints.txt -r /nowhere/reqs.txt',
      'COPY late.txt /late/',
    );
    expect(copied(parse(text))).toEqual([
      ['/app/requirements.txt', ['requirements-lock.txt']],
      ['/app/requirements.txt', null],
      ['/app/constraints.txt', null],
      ['/nowhere/reqs.txt', null],
    ]);
  });

  it('never maps outside the build context', () => {
    const text = lines('FROM python:3.11', 'COPY ../../secret.txt /app/', 'RUN pip install -r /app/secret.txt');
    expect(copied(parse(text))).toEqual([['/app/secret.txt', ['secret.txt', 'secret.txt/secret.txt']]]);
  });

  it('follows a `# escape=`` ` directive for continuations', () => {
    const text = lines('# escape=`', 'FROM python:3.11', 'COPY requirements.txt `', '     C:/app/', 'RUN pip install -r C:/app/requirements.txt');
    const file = parse(text);
    expect(file.problems).toEqual([]);
    expect(file.scopes!.length).toBe(1);
  });
});
