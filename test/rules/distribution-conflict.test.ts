import { describe, expect, it } from 'vitest';
import { checkRule, fixPins } from '../support/analyze';

const id = 'distribution-conflict';

describe('distribution-conflict', () => {
  it('flags onnxruntime beside onnxruntime-gpu and keeps the GPU build under a CUDA index', () => {
    const files = {
      'requirements.txt': '--extra-index-url https://download.pytorch.org/whl/cu121\nonnxruntime==1.17.1\nonnxruntime-gpu==1.17.1\n',
    };
    const findings = checkRule(id, files);
    expect(findings.map((f) => [f.text, f.message])).toEqual([
      [
        'onnxruntime==1.17.1',
        '`onnxruntime` and `onnxruntime-gpu` both install the import package `onnxruntime` into requirements.txt; whichever pip installs last overwrites the other\'s files. This environment targets CUDA (from the PyTorch index https://download.pytorch.org/whl/cu121), so `onnxruntime-gpu` is the one to keep.',
      ],
    ]);
    expect(findings[0]!.fixes[0]!.applicability).toBe('changes-installed');
    expect(fixPins(files)['requirements.txt']).toBe('--extra-index-url https://download.pytorch.org/whl/cu121\nonnxruntime-gpu==1.17.1\n');
  });

  it('flags the later opencv build with unsafe removals when nothing says which to keep', () => {
    const files = { 'requirements.txt': 'opencv-python==4.10.0.84  # GUI\nopencv-python-headless==4.10.0.84\nnumpy<2\n' };
    const findings = checkRule(id, files);
    expect(findings.map((f) => f.text)).toEqual(['opencv-python-headless==4.10.0.84']);
    expect(findings[0]!.message).toBe(
      "`opencv-python-headless` and `opencv-python` both install the import package `cv2` into requirements.txt; whichever pip installs last overwrites the other's files. Keep only one.",
    );
    expect(findings[0]!.fixes.map((f) => [f.title, f.applicability])).toEqual([
      ['Remove opencv-python-headless', 'manual'],
      ['Remove opencv-python', 'manual'],
    ]);
    expect(fixPins(files)).toEqual(files);
  });

  it('uses the accelerator setting, and removes the last line without adding a line break', () => {
    const files = { 'requirements.txt': 'onnxruntime-gpu==1.17.1\r\nonnxruntime==1.17.1' };
    expect(fixPins(files, { accelerator: 'cpu' })['requirements.txt']).toBe('onnxruntime==1.17.1');
    expect(fixPins(files, { accelerator: 'cuda' })['requirements.txt']).toBe('onnxruntime-gpu==1.17.1');
  });

  it('follows -r includes', () => {
    const files = { 'requirements.txt': '-r base.txt\nonnxruntime-gpu\n', 'base.txt': 'onnxruntime\n' };
    const findings = checkRule(id, files);
    expect(findings.map((f) => [f.file, f.text])).toEqual([['base.txt', 'onnxruntime']]);
    expect(findings[0]!.message).toBe(
      "`onnxruntime` and `onnxruntime-gpu` (from requirements.txt) both install the import package `onnxruntime` into requirements.txt; whichever pip installs last overwrites the other's files. Keep only one.",
    );
    expect(findings[0]!.related).toEqual([{ file: 'requirements.txt', text: 'onnxruntime-gpu' }]);
  });

  describe('markers (platform × machine × python)', () => {
    const pair = (a: string, b: string) => checkRule(id, { 'requirements.txt': `onnxruntime==1.16.0; ${a}\nonnxruntime-gpu==1.16.0; ${b}\n` });
    it.each([
      ['sys_platform == "darwin"', 'sys_platform != "darwin"'],
      ["platform_machine == 'arm64'", "platform_machine == 'x86_64'"],
      ['python_version < "3.10"', 'python_version >= "3.10"'],
      ['sys_platform == "darwin" and platform_machine == "arm64"', 'sys_platform == "win32" or sys_platform == "linux"'],
      ['platform_system == "Windows"', 'os_name == "posix"'],
    ])('%s / %s never coexist', (a, b) => {
      expect(pair(a, b)).toEqual([]);
    });
    it.each([
      ['sys_platform == "darwin"', 'platform_machine == "arm64"'],
      ['python_version >= "3.9"', 'python_version < "3.11"'],
      ['sys_platform != "darwin"', 'platform_machine == "x86_64"'],
    ])('%s / %s can coexist', (a, b) => {
      expect(pair(a, b).map((f) => f.text)).toEqual(['onnxruntime-gpu==1.16.0']);
    });
    it('reads and/or precedence like packaging does', () => {
      // and binds tighter: darwin-arm64, or linux; the other pin is darwin-x86_64 only.
      expect(pair('sys_platform == "darwin" and platform_machine == "arm64" or sys_platform == "linux"', 'sys_platform == "darwin" and platform_machine == "x86_64"')).toEqual([]);
    });
    it('restricts the grid to the target Python', () => {
      const files = { 'requirements.txt': 'onnxruntime; python_version < "3.11"\nonnxruntime-gpu\n' };
      expect(checkRule(id, files, { python: '3.12' })).toEqual([]);
      expect(checkRule(id, files, { python: '3.10' }).length).toBe(1);
    });
  });

  it('does not flag distributions of different groups, or one distribution pinned twice', () => {
    expect(checkRule(id, { 'requirements.txt': 'onnxruntime\nopencv-python\nonnxruntime==1.17.1; sys_platform == "darwin"\n' })).toEqual([]);
  });

  it('leaves a line shared with another requirement alone', () => {
    const files = { 'requirements.txt': 'onnxruntime-gpu\nonnxruntime\n' };
    expect(fixPins(files, { accelerator: 'cuda' })['requirements.txt']).toBe('onnxruntime-gpu\n');
  });

  describe('tensorflow, faiss and pillow groups', () => {
    it('flags tensorflow beside tensorflow-gpu or tf-nightly', () => {
      expect(checkRule(id, { 'requirements.txt': 'tensorflow==2.15.0\ntensorflow-gpu==2.10.0\n' }).map((f) => f.message)).toEqual([
        "`tensorflow-gpu` and `tensorflow` both install the import package `tensorflow` into requirements.txt; whichever pip installs last overwrites the other's files. Keep only one.",
      ]);
      expect(checkRule(id, { 'requirements.txt': 'tf-nightly\ntensorflow-cpu\n' }).map((f) => f.text)).toEqual(['tensorflow-cpu']);
    });

    it('leaves tensorflow with the builds it depends on itself alone', () => {
      const files = { 'requirements.txt': 'tensorflow==2.12.0\ntensorflow-intel==2.12.0; platform_system == "Windows"\ntensorflow-cpu-aws==2.12.0; platform_machine == "aarch64"\n' };
      expect(checkRule(id, files)).toEqual([]);
    });

    it('keeps faiss-gpu under a CUDA index, and offers both removals for pillow-simd', () => {
      const faiss = { 'requirements.txt': '--extra-index-url https://download.pytorch.org/whl/cu121\nfaiss-cpu==1.7.4\nfaiss-gpu==1.7.2\n' };
      expect(fixPins(faiss)['requirements.txt']).toBe('--extra-index-url https://download.pytorch.org/whl/cu121\nfaiss-gpu==1.7.2\n');
      const pillow = { 'requirements.txt': 'Pillow>=10\npillow-simd==9.0.0.post1\n' };
      const findings = checkRule(id, pillow);
      expect(findings.map((f) => [f.text, f.message])).toEqual([
        ['pillow-simd==9.0.0.post1', "`pillow-simd` and `Pillow` both install the import package `PIL` into requirements.txt; whichever pip installs last overwrites the other's files. Keep only one."],
      ]);
      expect(fixPins(pillow)).toEqual(pillow);
    });
  });

  describe('complementary markers', () => {
    it('puts a Windows-only build on Windows and the other elsewhere', () => {
      const files = { 'requirements.txt': 'onnxruntime==1.17.1  # cpu\r\nonnxruntime-directml==1.17.1\r\n' };
      const [finding] = checkRule(id, files);
      const split = finding!.fixes.find((f) => f.title.startsWith('Add markers'))!;
      expect(split.title).toBe('Add markers: onnxruntime-directml on Windows only, onnxruntime elsewhere');
      expect(split.applicability).toBe('manual');
      const text = files['requirements.txt'];
      const edits = [...split.edits].sort((x, y) => y.span.start - x.span.start);
      let out = text;
      for (const e of edits) out = out.slice(0, e.span.start) + e.text + out.slice(e.span.end);
      expect(out).toBe('onnxruntime==1.17.1; sys_platform != "win32"  # cpu\r\nonnxruntime-directml==1.17.1; sys_platform == "win32"\r\n');
      // After the split the two never meet.
      expect(checkRule(id, { 'requirements.txt': out })).toEqual([]);
      expect(fixPins(files)).toEqual(files);
    });

    it('is not offered when neither or both are platform builds, or a marker is already there', () => {
      const titles = (text: string) => checkRule(id, { 'requirements.txt': text }).flatMap((f) => f.fixes.map((x) => x.title));
      expect(titles('onnxruntime\nonnxruntime-gpu\n').some((t) => t.startsWith('Add markers'))).toBe(false);
      expect(titles('onnxruntime; python_version >= "3.9"\nonnxruntime-directml\n').some((t) => t.startsWith('Add markers'))).toBe(false);
    });

    it('is not offered in pyproject.toml', () => {
      const pyproject = '[project]\nname = "x"\nversion = "0"\ndependencies = ["onnxruntime", "onnxruntime-directml"]\n';
      const findings = checkRule(id, { 'pyproject.toml': pyproject });
      expect(findings).toHaveLength(1);
      expect(findings[0]!.fixes.some((f) => f.title.startsWith('Add markers'))).toBe(false);
    });
  });
});

describe('distribution-conflict across environments', () => {
  it('reads a uv source scoped to an extra only in that extra (InvokeAI: torch-cpu for [cpu] must not decide [onnx-cuda])', () => {
    const pyproject = [
      '[project]',
      'name = "app"',
      'version = "1"',
      'dependencies = ["torch>=2.7", "onnxruntime==1.19.2"]',
      '[project.optional-dependencies]',
      'cpu = ["torch==2.7.1+cpu"]',
      'cuda = ["torch==2.7.1+cu128", "onnxruntime-gpu==1.19.2"]',
      '"onnx-cuda" = ["onnxruntime-gpu==1.19.2"]',
      '[tool.uv]',
      'conflicts = [[{ extra = "cpu" }, { extra = "cuda" }]]',
      '[tool.uv.sources]',
      'torch = [{ index = "torch-cpu", extra = "cpu" }, { index = "torch-cuda", extra = "cuda" }]',
      '[[tool.uv.index]]',
      'name = "torch-cpu"',
      'url = "https://download.pytorch.org/whl/cpu"',
      'explicit = true',
      '[[tool.uv.index]]',
      'name = "torch-cuda"',
      'url = "https://download.pytorch.org/whl/cu128"',
      'explicit = true',
      '',
    ].join('\n');
    const findings = checkRule(id, { 'pyproject.toml': pyproject });
    expect(findings.map((f) => [f.text, f.message.match(/into (pyproject\.toml \[[^\]]+\])/)?.[1], f.fixes.map((x) => x.applicability)])).toEqual([
      // [cuda]: its source points at cu128, so the CPU build is the stray one (it shares a line, so no removal is offered)
      ['onnxruntime==1.19.2', 'pyproject.toml [cuda]', []],
      // [onnx-cuda]: no PyTorch index applies, so nothing says which build to keep: only unsafe removals
      ['onnxruntime-gpu==1.19.2', 'pyproject.toml [onnx-cuda]', ['manual']],
    ]);
  });

  it('reports a clash reached through a script and its requirements file once', () => {
    const findings = checkRule('distribution-conflict', {
      'requirements.txt': 'onnxruntime==1.17.1\nonnxruntime-gpu==1.17.1\n',
      'setup.sh': '#!/bin/sh\npip install -r requirements.txt\n',
    });
    expect(findings.map((f) => [f.file, f.text])).toHaveLength(1);
  });
});
