import { describe, expect, it } from 'vitest';
import { check, fixFiles } from '../support/analyze';

const id = 'unused-suppression';
/** A torchvision for another torch: one torch-family-mismatch finding on line 2. */
const mismatch = 'torch==2.3.1\ntorchvision==0.17.0';

const unused = (files: Record<string, string>, settings = {}) =>
  check(files, settings)
    .filter((f) => f.ruleId === id)
    .map((f) => [f.file, files[f.file]!.slice(f.span.start, f.span.end), f.level, f.message]);
const rules = (files: Record<string, string>) => check(files).map((f) => f.ruleId);

describe('unused-suppression', () => {
  it('leaves a comment that suppresses a finding alone, on its line or for its file', () => {
    expect(rules({ 'requirements.txt': `${mismatch}  # pinwise: ignore[torch-family-mismatch]\n` })).toEqual([]);
    expect(rules({ 'requirements.txt': `${mismatch}  # pinwise: ignore\n` })).toEqual([]);
    expect(rules({ 'requirements.txt': `# pinwise: ignore-file[torch-family-mismatch]\n${mismatch}\n` })).toEqual([]);
    expect(rules({ 'requirements.txt': `# pinwise: ignore-file\n${mismatch}\n` })).toEqual([]);
  });

  it('reads ignore-file[x] as a file-level comment for x, never as a bare ignore of its own line', () => {
    // On the pin's own line: not a line comment that silences every rule, but the file-level one for x.
    const files = { 'requirements.txt': `torch==2.3.1\ntorchvision==0.17.0  # pinwise: ignore-file[unresolved-include]\n` };
    expect(rules(files).sort()).toEqual(['torch-family-mismatch', 'unused-suppression']);
    expect(unused(files)).toEqual([['requirements.txt', '# pinwise: ignore-file[unresolved-include]', 'note', 'Unused suppression: no `unresolved-include` finding is reported in this file. Remove the comment.']]);
  });

  it('reports an unknown rule id and a comment that suppresses nothing, as notes', () => {
    const files = { 'requirements.txt': 'torch==2.3.1\ntorchvision==0.18.1  # pinwise: ignore[torch-family-mismatch]\nnumpy==1.26.4  # pinwise: ignore[numpy-abi]\nscipy==1.13.0  # pinwise: ignore\n' };
    expect(unused(files)).toEqual([
      ['requirements.txt', '# pinwise: ignore[torch-family-mismatch]', 'note', 'Unused suppression: no `torch-family-mismatch` finding is reported on this line. Remove the comment.'],
      ['requirements.txt', '# pinwise: ignore[numpy-abi]', 'note', 'Unused suppression: `numpy-abi` is not a Pinwise rule. Remove the comment.'],
      ['requirements.txt', '# pinwise: ignore', 'note', '`# pinwise: ignore` suppresses nothing: no finding is reported on this line. Remove it.'],
    ]);
  });

  it('fixes safely: removes the comment (its line when alone on it), or only the stale id', () => {
    const files = {
      'requirements.txt': `# pinwise: ignore-file[syntax-error]\r\n${mismatch}  # pinwise: ignore[torch-family-missmatch, torch-family-mismatch]\r\nnumpy==1.26.4  # pinwise: ignore[numpy-abi-mismatch]\r\n`,
    };
    expect(unused(files).map(([, text, , message]) => [text, message])).toEqual([
      ['# pinwise: ignore-file[syntax-error]', 'Unused suppression: no `syntax-error` finding is reported in this file. Remove the comment.'],
      ['torch-family-missmatch', 'Unused suppression: `torch-family-missmatch` is not a Pinwise rule. Remove that id.'],
      ['# pinwise: ignore[numpy-abi-mismatch]', 'Unused suppression: no `numpy-abi-mismatch` finding is reported on this line. Remove the comment.'],
    ]);
    // Plain --fix takes them (safe): no requirement changes, CRLF kept.
    expect(fixFiles(files)['requirements.txt']).toBe(`${mismatch}  # pinwise: ignore[torch-family-mismatch]\r\nnumpy==1.26.4\r\n`);
  });

  it('judges only the rules that ran, and a bare comment only when every rule ran', () => {
    const files = { 'requirements.txt': 'numpy==1.26.4  # pinwise: ignore[torch-family-mismatch]\nscipy==1.13.0  # pinwise: ignore\n' };
    expect(unused(files, { select: [id, 'syntax-error'] })).toEqual([]);
    expect(unused(files, { ignore: ['numpy-abi-mismatch'] }).map(([, text]) => text)).toEqual(['# pinwise: ignore[torch-family-mismatch]']);
    expect(unused(files, { severity: { [id]: 'off' } })).toEqual([]);
  });

  it('works in the comment style of each format: batch REM lines, YAML, Dockerfiles, .py files', () => {
    expect(unused({ 'install.bat': 'REM pinwise: ignore-file[torch-family-mismatch]\npip install numpy==1.26.4\n' }).map(([, text]) => text)).toEqual(['REM pinwise: ignore-file[torch-family-mismatch]']);
    expect(unused({ 'environment.yml': 'dependencies:\n  - numpy=1.26.4  # pinwise: ignore[numpy-abi-mismatch]\n' }).map(([, text]) => text)).toEqual(['# pinwise: ignore[numpy-abi-mismatch]']);
    expect(unused({ Dockerfile: 'FROM python:3.11\nRUN pip install numpy==1.26.4  # pinwise: ignore[unquoted-specifier]\n' }).map(([, text]) => text)).toEqual(['# pinwise: ignore[unquoted-specifier]']);
    expect(unused({ 'app.py': 'import numpy as np\nx = np.nan  # pinwise: ignore[deprecated-api]\n' }).map(([, text]) => text)).toEqual(['# pinwise: ignore[deprecated-api]']);
    // A used one in a .py file is left alone.
    expect(unused({ 'app.py': 'import numpy as np\nx = np.NaN  # pinwise: ignore[deprecated-api]\n' })).toEqual([]);
  });

  it('is silenced only by a comment naming it', () => {
    const files = { 'requirements.txt': '# pinwise: ignore-file[unused-suppression]\nnumpy==1.26.4  # pinwise: ignore[numpy-abi-mismatch]\n' };
    expect(unused(files)).toEqual([]);
    expect(unused({ 'requirements.txt': 'numpy==1.26.4  # pinwise: ignore[numpy-abi-mismatch, unused-suppression]\n' })).toEqual([]);
  });
});
