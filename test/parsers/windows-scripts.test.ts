// Batch files and PowerShell scripts: their pip commands, with spans on the text as written.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParsedFile, Span } from '../../server/src/engine/model';
import { fileKindOf, parseFile } from '../../server/src/engine/kinds';

const at = (text: string, span: Span | null | undefined) => (span ? text.slice(span.start, span.end) : null);
const parse = (path: string, text: string) => parseFile({ path, text }, fileKindOf(path)!);

/** Each command as [line, tool, action, its requirements as written, includes, options]. */
function commandsOf(text: string, file: ParsedFile) {
  return file.commands!.map((c) => [
    c.line,
    c.tool,
    c.action,
    c.requirements.map((i) => `${file.requirements[i]!.name}${file.requirements[i]!.specifier} @ ${at(text, file.requirements[i]!.span)}`),
    c.includes.map((i) => i.target),
    c.options.map((o) => `${o.option} ${o.value ?? ''}`.trim()),
  ]);
}

describe('batch files (cmd.exe)', () => {
  it('reads pip through set variables, call, if/else blocks and ^ continuations; skips REM and :: lines', () => {
    const text = [
      '@echo off',
      'REM Installe les dépendances — pip install not-me==1.0',
      ':: pip install not-me-either==1.0',
      'set PYTHON=python',
      'set TORCH_COMMAND=pip install torch==2.1.2+cu118 --extra-index-url https://download.pytorch.org/whl/cu118',
      '%PYTHON% -m %TORCH_COMMAND% >tmp/stdout.txt 2>tmp/stderr.txt',
      'if %choice%==1 (',
      '    call python -m pip install -r extensions\\api\\requirements.txt --upgrade',
      ') else (',
      '    pip install "numpy<2" ^',
      '      onnxruntime-gpu==1.17.1',
      ')',
      'if /I "%gpuchoice%" == "A" call venv\\Scripts\\python.exe -m pip install xformers==0.0.23 & echo done',
      '@rem pip install not-me-three==1.0',
      'echo pip install not-a-command==1.0',
      '',
    ].join('\r\n');
    const file = parse('install.bat', text);
    expect(file.kind).toBe('batch');
    expect(file.problems).toEqual([]);
    expect(commandsOf(text, file)).toEqual([
      [6, 'python -m pip', 'install', ['torch==2.1.2+cu118 @ torch==2.1.2+cu118'], [], ['--extra-index-url https://download.pytorch.org/whl/cu118']],
      [8, 'python -m pip', 'install', [], ['extensions/api/requirements.txt'], []],
      [10, 'pip', 'install', ['numpy<2 @ numpy<2', 'onnxruntime-gpu==1.17.1 @ onnxruntime-gpu==1.17.1'], [], []],
      [13, 'python -m pip', 'install', ['xformers==0.0.23 @ xformers==0.0.23'], [], []],
    ]);
    // A pin in a variable is located where its `set` line writes it: that is where a fix edits.
    const torch = file.requirements[0]!;
    expect(torch.line).toBe(5);
    expect(at(text, torch.clauses[0]!.versionSpan)).toBe('2.1.2+cu118');
    expect(text.slice(0, torch.span.start).split('\r\n').length).toBe(5);
  });

  it('treats %1, %~dp0, set /p and undefined names as unknown, never as text', () => {
    const text = [
      'set /p TORCH=Which torch? ',
      'pip install %TORCH% numpy==1.26.4',
      'set PYTHON="%~dp0venv\\Scripts\\Python.exe"',
      '%PYTHON% -m pip install -r %~dp0requirements.txt',
      'pip install %1 scipy==1.13.0',
      '',
    ].join('\n');
    const file = parse('webui.cmd', text);
    expect(commandsOf(text, file)).toEqual([
      [2, 'pip', 'install', ['numpy==1.26.4 @ numpy==1.26.4'], [], []],
      [4, '%PYTHON% -m pip', 'install', [], ['%~dp0requirements.txt'], []],
      [5, 'pip', 'install', ['scipy==1.13.0 @ scipy==1.13.0'], [], []],
    ]);
  });

  it('finds unquoted < and > in requirements, glued or spaced, and not real redirections', () => {
    const text = 'pip install numpy>=1.24 torch >=2.1 pillow<10 "scipy<2" -r req.txt >log.txt 2>&1\n';
    const file = parse('setup.bat', text);
    expect(file.commands![0]!.unquotedSpecifiers.map((u) => [u.text, u.operator, u.target, u.shell, at(text, u.span)])).toEqual([
      ['numpy>=1.24', '>', '=1.24', 'cmd', 'numpy>=1.24'],
      ['torch >=2.1', '>', '=2.1', 'cmd', 'torch >=2.1'],
      ['pillow<10', '<', '10', 'cmd', 'pillow<10'],
    ]);
    // What cmd.exe hands pip: the names without their bounds.
    expect(file.requirements.map((r) => `${r.name}${r.specifier}`)).toEqual(['numpy', 'torch', 'pillow', 'scipy<2']);
  });
});

describe('PowerShell scripts', () => {
  it('reads pip through variables, the & call operator, backtick continuations and blocks; skips comments', () => {
    const text = [
      '<# Setup script',
      '   pip install not-me==1.0 #>',
      '# pip install not-me-either==1.0',
      '$python = "venv\\Scripts\\python.exe"',
      "$torch = 'torch==2.1.2+cu121'",
      '& $python -m pip install $torch torchvision==0.16.2+cu121 `',
      '    --index-url https://download.pytorch.org/whl/cu121  # CUDA 12.1',
      'if ($IsWindows) { python -m pip install -r requirements\\windows.txt; pip install "onnxruntime-gpu==1.17.1" }',
      'Write-Host "pip install not-a-command==1.0"',
      '$env:PIP_NO_CACHE_DIR = "1"; pip3 install --upgrade pip',
      '',
    ].join('\n');
    const file = parse('setup.ps1', text);
    expect(file.kind).toBe('powershell');
    expect(file.problems).toEqual([]);
    expect(commandsOf(text, file)).toEqual([
      [6, 'python -m pip', 'install', ['torch==2.1.2+cu121 @ torch==2.1.2+cu121', 'torchvision==0.16.2+cu121 @ torchvision==0.16.2+cu121'], [], ['--index-url https://download.pytorch.org/whl/cu121']],
      [8, 'python -m pip', 'install', [], ['requirements/windows.txt'], []],
      [8, 'pip', 'install', ['onnxruntime-gpu==1.17.1 @ onnxruntime-gpu==1.17.1'], [], []],
      [10, 'pip3', 'install', ['pip @ pip'], [], []],
    ]);
    // `$torch` is located on the line that assigns it.
    expect(file.requirements[0]!.line).toBe(5);
  });

  it('reports what PowerShell cannot parse, and unquoted < / > in requirements', () => {
    const text = ['pip install numpy>=1.24 "scipy<2"', 'pip install pillow<10', 'python train.py < input.txt', "Write-Host 'unterminated", ''].join('\n');
    const file = parse('install.ps1', text);
    expect(file.commands!.flatMap((c) => c.unquotedSpecifiers.map((u) => [u.text, u.operator, u.target, u.shell]))).toEqual([
      ['numpy>=1.24', '>', '=1.24', 'powershell'],
      ['pillow<10', '<', '10', 'powershell'],
    ]);
    expect(file.problems.map((p) => [p.line, at(text, p.span), p.message])).toEqual([
      [3, '<', "The '<' operator is reserved for future use: PowerShell does not run the script."],
      [4, "'", "The string is missing the terminator: '. PowerShell does not run the script."],
    ]);
  });
});

describe('never throws', () => {
  it('on any text, in either kind', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('p', 'i', ' ', '%', '!', '^', '"', "'", '`', '$', '(', ')', '{', '}', '<', '>', '&', '|', '\n', '\r', '#', ':', '=', '@', 'x', '-m', 'pip install ', 'set X=', 'REM ') }), (text) => {
        for (const path of ['a.bat', 'a.ps1']) {
          const file = parse(path, text);
          for (const r of file.requirements) {
            expect(r.span.start).toBeGreaterThanOrEqual(0);
            expect(r.span.end).toBeLessThanOrEqual(text.length);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
