import { describe, expect, it } from 'vitest';
import { checkRule, fixFiles, fixPins } from '../support/analyze';

const id = 'unquoted-specifier';

describe('unquoted-specifier', () => {
  it('flags a glued > or >= and says pip installs any version and writes a file', () => {
    const files = { 'setup.sh': '#!/bin/sh\npip install numpy>=1.24 torch==2.3.1\n' };
    const findings = checkRule(id, files);
    expect(findings.map((f) => [f.text, f.level, f.message])).toEqual([
      [
        'numpy>=1.24',
        'error',
        '`numpy>=1.24` is not quoted: the shell reads `>=1.24` as a redirection: pip installs any numpy and writes its output to a file named `=1.24`. Quote the requirement.',
      ],
    ]);
    expect(findings[0]!.fixes.map((f) => [f.title, f.applicability, f.edits.map((e) => e.text)])).toEqual([["Quote `numpy>=1.24`", 'changes-installed', ["'numpy>=1.24'"]]]);
  });

  it('flags < and <= (stdin from a file) and reports one finding per requirement', () => {
    const files = { 'install.sh': 'pip install -U numpy<2\npip install scipy<=1.13,>1.10 x\n' };
    const findings = checkRule(id, files);
    expect(findings.map((f) => f.text)).toEqual(['numpy<2', 'scipy<=1.13,>1.10']);
    expect(findings[0]!.message).toContain('a redirection from a file named `2`: without that file the command does not run at all');
  });

  it('flags a spaced `>=` after the name, inside if blocks and Dockerfile RUN lines', () => {
    const files = {
      'setup.sh': 'if true; then\n  pip install torch >=2.1\nfi\n',
      Dockerfile: 'FROM python:3.11\nRUN pip install --no-cache-dir numpy<2 \\\n    pandas\n',
    };
    expect(checkRule(id, files).map((f) => [f.file, f.text])).toEqual([
      ['Dockerfile', 'numpy<2'],
      ['setup.sh', 'torch >=2.1'],
    ]);
  });

  it('leaves quoted requirements and real redirections alone', () => {
    const files = {
      'ok.sh': [
        'pip install "numpy>=1.24" \'torch<3\' numpy\\>=1',
        'pip install -r requirements.txt > /tmp/pip.log 2>&1',
        'pip install numpy >pip.log',
        'echo numpy>=1.24',
        'python train.py>out.txt',
        'pip download numpy<2',
        '',
      ].join('\n'),
    };
    expect(checkRule(id, files)).toEqual([]);
  });

  it('reads the words after a redirection as the pip arguments they are', () => {
    // bash runs `pip install numpy onnxruntime onnxruntime-gpu` here: the later names are installed.
    const files = { 'setup.sh': 'pip install numpy>=1.24 onnxruntime==1.17.1 onnxruntime-gpu==1.17.1\n' };
    expect(checkRule('distribution-conflict', files).map((f) => f.text)).toEqual(['onnxruntime-gpu==1.17.1']);
  });

  it('is not applied by --fix (it changes what is installed) but by --unsafe-fixes, and the quick fix quotes the exact span', () => {
    const files = { 'setup.sh': 'pip install numpy>=1.24 torch\n' };
    expect(fixFiles(files)['setup.sh']).toBe(files['setup.sh']);
    expect(fixPins(files)['setup.sh']).toBe("pip install 'numpy>=1.24' torch\n");
    const fix = checkRule(id, files)[0]!.fixes[0]!;
    const edit = fix.edits[0]!;
    const fixed = files['setup.sh'].slice(0, edit.span.start) + edit.text + files['setup.sh'].slice(edit.span.end);
    expect(fixed).toBe("pip install 'numpy>=1.24' torch\n");
    expect(checkRule(id, { 'setup.sh': fixed })).toEqual([]);
  });

  it('says what cmd.exe and PowerShell do, and quotes in their own quoting', () => {
    const files = {
      'install.bat': '@echo off\r\npip install numpy>=1.24 pillow<10\r\n',
      'setup.ps1': 'pip install numpy>=1.24\npip install pillow<10\n',
    };
    const findings = checkRule(id, files);
    expect(findings.map((f) => [f.file, f.text, f.message, f.fixes.map((x) => x.edits[0]!.text)])).toEqual([
      [
        'install.bat',
        'numpy>=1.24',
        '`numpy>=1.24` is not quoted: cmd.exe reads `>=1.24` as a redirection: pip installs any numpy and writes its output to a file named `=1.24`. Quote the requirement.',
        ['"numpy>=1.24"'],
      ],
      [
        'install.bat',
        'pillow<10',
        '`pillow<10` is not quoted: cmd.exe reads `<10` as a redirection from a file named `10`: without that file it prints "The system cannot find the file specified." and does not run the command, with it pip installs any pillow. Quote the requirement.',
        ['"pillow<10"'],
      ],
      [
        'setup.ps1',
        'numpy>=1.24',
        '`numpy>=1.24` is not quoted: PowerShell reads `>=1.24` as a redirection: pip installs any numpy and writes its output to a file named `=1.24`. Quote the requirement.',
        ["'numpy>=1.24'"],
      ],
      [
        'setup.ps1',
        'pillow<10',
        '`pillow<10` is not quoted: PowerShell refuses to parse the script ("The \'<\' operator is reserved for future use."), so none of it runs. Quote the requirement.',
        ["'pillow<10'"],
      ],
    ]);
  });

  it('is suppressed by REM / :: comments in batch files and # in PowerShell', () => {
    const files = {
      'a.bat': 'pip install numpy>=1.24 & REM pinwise: ignore[unquoted-specifier]\npip install scipy>=1.10 & :: pinwise: ignore\npip install pillow>=10\n',
      'b.ps1': 'pip install numpy>=1.24  # pinwise: ignore[unquoted-specifier]\npip install pillow>=10\n',
    };
    expect(checkRule(id, files).map((f) => [f.file, f.text])).toEqual([
      ['a.bat', 'pillow>=10'],
      ['b.ps1', 'pillow>=10'],
    ]);
  });

  it('covers CI steps, with a fix that keeps a quoted YAML scalar valid', () => {
    const workflow = [
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      "      - run: 'pip install numpy>=1.24'",
      '      - run: "pip install scipy>=1.10"',
      '      - run: |',
      '          pip install pillow<10',
      '',
    ].join('\n');
    const files = { '.github/workflows/ci.yml': workflow, '.gitlab-ci.yml': 'test:\n  script:\n    - pip install torch>=2.1\n' };
    const findings = checkRule(id, files);
    expect(findings.map((f) => [f.file, f.text, f.fixes.map((x) => x.edits[0]!.text)])).toEqual([
      ['.github/workflows/ci.yml', 'numpy>=1.24', ['"numpy>=1.24"']],
      ['.github/workflows/ci.yml', 'scipy>=1.10', ["'scipy>=1.10'"]],
      ['.github/workflows/ci.yml', 'pillow<10', ["'pillow<10'"]],
      ['.gitlab-ci.yml', 'torch>=2.1', ["'torch>=2.1'"]],
    ]);
  });
});
