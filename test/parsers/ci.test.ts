// CI workflows: GitHub Actions `run:` steps and GitLab CI `script:` lines read as shell scripts, with
// spans in the YAML text, each job (each matrix entry) an environment with its Python.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Grammars } from '../../server/src/engine/grammars';
import type { ParsedFile, Span } from '../../server/src/engine/model';
import { fileKindOf, parseFile } from '../../server/src/engine/kinds';
import { buildProject } from '../../server/src/engine/project';
import { imageCatalog } from '../../server/src/engine/kb/docker-images';
import { testKnowledgeBase } from '../support/knowledge-base';
import { loadGrammars } from '../../server/src/host/grammars';

let grammars: Grammars;
beforeAll(async () => {
  grammars = await loadGrammars();
});

const at = (text: string, span: Span | null | undefined) => (span ? text.slice(span.start, span.end) : null);
const parse = (path: string, text: string) => parseFile({ path, text }, fileKindOf(path)!, grammars);
const pins = (text: string, file: ParsedFile) => file.requirements.map((r) => [`${r.name}${r.specifier}`, at(text, r.span), r.line]);

const workflow = [
  'name: tests # café',
  'on: [push, pull_request]',
  'jobs:',
  '  test:',
  '    runs-on: ubuntu-latest',
  '    strategy:',
  '      matrix:',
  "        python-version: ['3.9', '3.10', \"3.11\"]",
  '        include:',
  '          - python-version: "3.12"',
  '            torch: 2.3.1',
  '    steps:',
  '      - uses: actions/checkout@v4',
  '      - uses: actions/setup-python@v5',
  '        with:',
  '          python-version: ${{ matrix.python-version }}',
  '      - name: Install',
  '        run: |',
  '          python -m pip install --upgrade pip',
  '          pip install torch==2.1.0 torchvision==0.16.0 --index-url https://download.pytorch.org/whl/cu118',
  '          pip install -r requirements.txt',
  '          pip install "torch==${{ matrix.torch }}" numpy>=1.24',
  '      - run: pip install -r dev.txt',
  '        working-directory: ./tools',
  '      - name: Folded',
  '        run: >',
  '          pip install',
  '          scipy==1.13.0',
  '      - run: "pip install \\"pandas==2.2.2\\""',
  "      - run: 'pip install ''onnx==1.16.0'''",
  '      - run: echo "pip install not-me==1.0"',
  '  windows:',
  '    runs-on: windows-latest',
  '    steps:',
  '      - uses: actions/setup-python@v5',
  '        with: { python-version: "3.10" }',
  '      - run: pip install pillow<10',
  '      - run: pip install opencv-python==4.9.0.80',
  '        shell: cmd',
  '      - run: pip install opencv-python-headless==4.9.0.80',
  '        shell: bash',
  '',
].join('\n');

describe('GitHub Actions workflows', () => {
  it('reads run: steps in every YAML style, with spans in the workflow text', () => {
    const file = parse('.github/workflows/tests.yml', workflow);
    expect(file.kind).toBe('github-workflow');
    expect(file.problems).toEqual([]);
    expect(pins(workflow, file)).toEqual([
      ['pip', 'pip', 19],
      ['torch==2.1.0', 'torch==2.1.0', 20],
      ['torchvision==0.16.0', 'torchvision==0.16.0', 20],
      ['numpy', 'numpy', 22],
      ['scipy==1.13.0', 'scipy==1.13.0', 28],
      ['pandas==2.2.2', 'pandas==2.2.2', 29],
      ['onnx==1.16.0', 'onnx==1.16.0', 30],
      ['pillow', 'pillow', 37],
      ['opencv-python==4.9.0.80', 'opencv-python==4.9.0.80', 38],
      ['opencv-python-headless==4.9.0.80', 'opencv-python-headless==4.9.0.80', 40],
    ]);
    expect(file.includes.map((i) => [i.target, at(workflow, i.targetSpan)])).toEqual([
      ['requirements.txt', 'requirements.txt'],
      ['tools/dev.txt', 'dev.txt'],
    ]);
    expect(file.options.map((o) => [o.option, o.value, o.line])).toEqual([['--index-url', 'https://download.pytorch.org/whl/cu118', 20]]);
    // The ${{ }} word is a variable: it is neither a requirement nor an error.
    expect(file.commands!.flatMap((c) => c.unquotedSpecifiers.map((u) => [u.text, u.shell ?? 'posix', c.line]))).toEqual([
      ['numpy>=1.24', 'posix', 22],
      ['pillow<10', 'powershell', 37],
    ]);
  });

  it('makes one environment per matrix Python, with the span of each version, and one per job', () => {
    const file = parse('.github/workflows/tests.yml', workflow);
    expect(file.scopes!.map((s) => [s.id, s.label, s.python?.version, at(workflow, s.python?.span)])).toEqual([
      ['test[python 3.9]', 'job test, python 3.9', '3.9', '3.9'],
      ['test[python 3.10]', 'job test, python 3.10', '3.10', '3.10'],
      ['test[python 3.11]', 'job test, python 3.11', '3.11', '3.11'],
      ['test[python 3.12]', 'job test, python 3.12', '3.12', '3.12'],
      ['windows', 'job windows, python 3.10', '3.10', '3.10'],
    ]);
    const project = buildProject({ files: [{ path: '.github/workflows/tests.yml', text: workflow }], grammars });
    const envs = project.environments.map((e) => [e.label, e.python?.version, e.requirements.map((r) => r.name)]);
    expect(envs).toEqual([
      ['.github/workflows/tests.yml (job test, python 3.9)', '3.9', ['pip', 'torch', 'torchvision', 'numpy', 'scipy', 'pandas', 'onnx']],
      ['.github/workflows/tests.yml (job test, python 3.10)', '3.10', ['pip', 'torch', 'torchvision', 'numpy', 'scipy', 'pandas', 'onnx']],
      ['.github/workflows/tests.yml (job test, python 3.11)', '3.11', ['pip', 'torch', 'torchvision', 'numpy', 'scipy', 'pandas', 'onnx']],
      ['.github/workflows/tests.yml (job test, python 3.12)', '3.12', ['pip', 'torch', 'torchvision', 'numpy', 'scipy', 'pandas', 'onnx']],
      ['.github/workflows/tests.yml (job windows, python 3.10)', '3.10', ['pillow', 'opencv-python', 'opencv-python-headless']],
    ]);
  });

  it('turns malformed YAML into a syntax problem, never a throw', () => {
    const text = 'jobs:\n  build:\n    steps:\n      - run: pip install torch==2.1.0\n    bad: [unclosed\n';
    const file = parse('.github/workflows/ci.yaml', text);
    expect(file.problems.length).toBeGreaterThan(0);
    expect(file.problems[0]!.message).toMatch(/^Invalid YAML/);
  });
});

describe('GitLab CI', () => {
  it('reads script, before_script and extends / anchors / !reference, with the image Python', () => {
    const text = [
      'image: python:3.11-slim',
      'stages: [test]',
      '.setup: &setup',
      '  before_script:',
      '    - pip install -r requirements.txt',
      '.gpu:',
      '  image: pytorch/pytorch:2.1.2-cuda11.8-cudnn8-runtime',
      'test:',
      '  <<: *setup',
      '  script:',
      '    - pip install torch==2.1.0 "numpy<2"',
      '    - |',
      '      pip install pytest==8.2.0 \\',
      '        pytest-cov==5.0.0',
      'gpu-test:',
      '  extends: [.setup, .gpu]',
      '  script:',
      '    - !reference [.setup, before_script]',
      '    - pip install onnxruntime-gpu==1.17.1',
      'py310:',
      '  image: { name: "python:3.10" }',
      '  script: pip install scipy==1.13.0',
      '',
    ].join('\n');
    const file = parse('.gitlab-ci.yml', text);
    expect(file.kind).toBe('gitlab-ci');
    expect(file.problems).toEqual([]);
    // The parser records each job's image; what it gives is read from rules/docker-images.yaml when the project is built.
    expect(file.scopes!.map((s) => [s.id, s.baseImage?.reference, at(text, s.baseImage?.span)])).toEqual([
      ['test', 'python:3.11-slim', 'python:3.11-slim'],
      ['gpu-test', 'pytorch/pytorch:2.1.2-cuda11.8-cudnn8-runtime', 'pytorch/pytorch:2.1.2-cuda11.8-cudnn8-runtime'],
      ['py310', 'python:3.10', 'python:3.10'],
    ]);
    const kb = testKnowledgeBase();
    const project = buildProject({ files: [{ path: '.gitlab-ci.yml', text }], grammars, baseImages: (reference) => imageCatalog(kb)?.contentsOf(reference) ?? null });
    expect(project.environments.map((e) => [e.label, e.python?.version, at(text, typeof e.python?.source === 'object' ? e.python.source.span : undefined), e.requirements.filter((r) => r.preinstalled).map((r) => `${r.name}${r.specifier}`)])).toEqual([
      ['.gitlab-ci.yml (job test, python 3.11)', '3.11', '3.11', []],
      ['.gitlab-ci.yml (job gpu-test, python 3.10)', '3.10', '2.1.2-cuda11.8-cudnn8-runtime', ['torch==2.1.2', 'torchvision==0.16.2', 'torchaudio==2.1.2']],
      ['.gitlab-ci.yml (job py310, python 3.10)', '3.10', '3.10', []],
    ]);
    // Without the knowledge base's image patterns no image says anything.
    expect(buildProject({ files: [{ path: '.gitlab-ci.yml', text }], grammars }).environments.map((e) => e.python?.version)).toEqual([undefined, undefined, undefined]);
    expect(file.commands!.map((c) => [c.line, c.scopes, c.includes.map((i) => i.target), c.requirements.map((i) => at(text, file.requirements[i]!.span))])).toEqual([
      [5, ['test'], ['requirements.txt'], []],
      [11, ['test'], [], ['torch==2.1.0', 'numpy<2']],
      [13, ['test'], [], ['pytest==8.2.0', 'pytest-cov==5.0.0']],
      [5, ['gpu-test'], ['requirements.txt'], []],
      [5, ['gpu-test'], ['requirements.txt'], []],
      [19, ['gpu-test'], [], ['onnxruntime-gpu==1.17.1']],
      [22, ['py310'], [], ['scipy==1.13.0']],
    ]);
  });
});
