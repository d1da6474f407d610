// Windows installers (`install.bat`, `webui.bat`, `setup.ps1`) checked end to end through the CLI,
// as the projects that ship them lay them out: pins in `set` variables, `-r` with backslashes.
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixtureDir, runCliInProcess, type JsonFinding } from './run-cli';

beforeAll(() => ensureBuilt());

const project = {
  'webui.bat': [
    '@echo off',
    'set PYTHON=python',
    'set VENV_DIR=venv',
    'set TORCH_COMMAND=pip install torch==2.1.2+cu118 torchvision==0.15.2+cu118 --extra-index-url https://download.pytorch.org/whl/cu118',
    'set REQS_FILE=requirements_versions.txt',
    '',
    ':install_torch',
    '%PYTHON% -m %TORCH_COMMAND% >tmp/stdout.txt 2>tmp/stderr.txt',
    'if %ERRORLEVEL% == 0 goto :install_reqs',
    'goto :show_stdout_stderr',
    '',
    ':install_reqs',
    '%PYTHON% -m pip install -r %REQS_FILE% --prefer-binary >tmp/stdout.txt 2>tmp/stderr.txt',
    'call python -m pip install -r repositories\\CodeFormer\\requirements.txt',
    'pip install onnxruntime==1.17.1 numpy>=1.24',
    '',
  ].join('\r\n'),
  'requirements_versions.txt': 'onnxruntime-gpu==1.17.1\nnumpy==1.26.4\n',
  'repositories/CodeFormer/requirements.txt': 'lpips==0.1.4\n',
  'setup.ps1': [
    '# Windows setup',
    '$python = "venv\\Scripts\\python.exe"',
    '& $python -m pip install torch==2.3.1 torchaudio==2.2.0 `',
    '    --index-url https://download.pytorch.org/whl/cu121',
    '& $python -m pip install -r missing\\requirements.txt',
    '',
  ].join('\n'),
};

describe('Windows scripts through the CLI', () => {
  it('reports the torch family, conflicts across -r, unquoted bounds and missing files, in json', async () => {
    const dir = fixtureDir(project);
    const { status, stdout } = await runCliInProcess(['check', dir, '--format', 'json']);
    expect(status).toBe(1);
    const findings = (JSON.parse(stdout) as { findings: JsonFinding[] }).findings.map((f) => [f.file, f.startLine, f.ruleId]);
    expect(findings).toEqual(
      expect.arrayContaining([
        // torch 2.1.2 goes with torchvision 0.16.2: the pins are on the `set` line.
        ['webui.bat', 4, 'torch-family-mismatch'],
        ['webui.bat', 15, 'unquoted-specifier'],
        // onnxruntime from the script beside onnxruntime-gpu from the file it installs.
        ['webui.bat', 15, 'distribution-conflict'],
        ['setup.ps1', 3, 'torch-family-mismatch'],
        ['setup.ps1', 5, 'unresolved-include'],
      ]),
    );
    // `-r repositories\CodeFormer\requirements.txt` and `-r %REQS_FILE%` are found.
    expect(findings.filter(([file, , rule]) => rule === 'unresolved-include' && file === 'webui.bat')).toEqual([]);
  });

  it('locates findings in the scripts\' own text in SARIF, with the quoting fix in cmd.exe quotes', async () => {
    const dir = fixtureDir(project);
    const { stdout } = await runCliInProcess(['check', dir, '--format', 'sarif', '--select', 'unquoted-specifier']);
    const results = JSON.parse(stdout).runs[0].results as {
      ruleId: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endColumn: number } } }[];
      fixes?: { artifactChanges: { replacements: { insertedContent: { text: string } }[] }[] }[];
    }[];
    expect(results.map((r) => [r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region])).toEqual([
      ['webui.bat', { startLine: 15, startColumn: 33, endLine: 15, endColumn: 44 }],
    ]);
    expect(results[0]!.message.text).toContain('cmd.exe reads `>=1.24` as a redirection');
    expect(results[0]!.fixes![0]!.artifactChanges[0]!.replacements[0]!.insertedContent.text).toBe('"numpy>=1.24"');
  });

  it('names the scripts in the text report', async () => {
    const dir = fixtureDir(project);
    const { stdout } = await runCliInProcess(['check', dir, '--select', 'torch-family-mismatch']);
    expect(stdout).toMatch(/webui\.bat:4:\d+/);
    expect(stdout).toMatch(/setup\.ps1:3:\d+/);
  });
});
