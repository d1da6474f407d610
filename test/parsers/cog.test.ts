import { beforeAll, describe, expect, it } from 'vitest';
import type { Grammars } from '../../server/src/engine/grammars';
import type { Span } from '../../server/src/engine/model';
import { parseCogConfig } from '../../server/src/engine/parsers/cog';
import { loadGrammars } from '../../server/src/host/grammars';

const at = (text: string, span: Span | null | undefined) => (span ? text.slice(span.start, span.end) : null);

let grammars: Grammars;
beforeAll(async () => {
  grammars = await loadGrammars();
});

describe('cog.yaml', () => {
  const text = `build:   # ünïcode
  python_version: 3.10
  python_packages:
    - torch==2.1.2
    - "numpy<2"
  python_requirements: requirements.txt
  run:
    - pip install onnxruntime==1.16.3
    - |
      pip install \\
        transformers==4.36.2
    - >-
      pip install
      diffusers==0.25.0
    - {command: "pip install gradio==4.12.0", mounts: []}
    - "echo \\"pip install x\\""
`;

  it('reads python_version as written (3.10, not 3.1), packages and requirements as one pip run, then each run command', () => {
    const file = parseCogConfig('cog.yaml', text, grammars);
    expect(file.targetPython).toEqual({ version: '3.10', span: { start: text.indexOf('3.10'), end: text.indexOf('3.10') + 4 } });
    expect(file.requirements.map((r) => at(text, r.span))).toEqual(['torch==2.1.2', 'numpy<2', 'onnxruntime==1.16.3', 'transformers==4.36.2', 'diffusers==0.25.0', 'gradio==4.12.0']);
    expect(file.requirements.map((r) => at(text, r.specifierSpan))).toEqual(['==2.1.2', '<2', '==1.16.3', '==4.36.2', '==0.25.0', '==4.12.0']);
    const commands = file.commands!;
    expect(commands.map((c) => [c.tool, c.requirements.map((i) => file.requirements[i]!.normalizedName)])).toEqual([
      ['cog', ['torch', 'numpy']],
      ['pip', ['onnxruntime']],
      ['pip', ['transformers']],
      ['pip', ['diffusers']],
      ['pip', ['gradio']],
    ]);
    expect(commands[0]!.includes.map((i) => [i.target, at(text, i.targetSpan)])).toEqual([['requirements.txt', 'requirements.txt']]);
    // The command written with escapes is not read as shell, and says so.
    expect(file.problems.map((p) => [p.line, p.level])).toEqual([[16, 'note']]);
  });

  it('commands of a flow sequence on one line stay separate commands', () => {
    const flow = 'build:\n  run: ["pip install numpy==1.26.4", "pip install scipy==1.11.4"]\n';
    const file = parseCogConfig('cog.yaml', flow, grammars);
    expect(file.commands!.map((c) => c.requirements.map((i) => file.requirements[i]!.name))).toEqual([['numpy'], ['scipy']]);
  });

  it('malformed files are problems, never a throw', () => {
    for (const bad of ['build: [\n', 'build: 3\n', 'build:\n  python_version: [3]\n  python_packages: 4\n  run: {}\n', 'build:\n  python_packages: ["torch (>=2"]\n', '\t- x\n', '']) {
      const file = parseCogConfig('cog.yaml', bad, grammars);
      for (const p of file.problems) expect(p.span.end).toBeLessThanOrEqual(bad.length);
      if (bad.trim() !== '') expect(file.problems.length).toBeGreaterThan(0);
    }
  });
});
