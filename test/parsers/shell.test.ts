import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Grammars } from '../../server/src/engine/grammars';
import type { Span } from '../../server/src/engine/model';
import { parseShellScript } from '../../server/src/engine/parsers/shell';
import { fileKindOf, parseFile } from '../../server/src/engine/kinds';
import { loadGrammars } from '../../server/src/host/grammars';

let grammars: Grammars;
beforeAll(async () => {
  grammars = await loadGrammars();
});

const at = (text: string, span: Span | null | undefined) => (span ? text.slice(span.start, span.end) : null);
const parse = (text: string, path = 'setup.sh') => parseFile({ path, text }, fileKindOf(path) ?? 'shell', grammars);

describe('pip commands', () => {
  it('finds every way of calling pip, with their options, in order', () => {
    const text = [
      '#!/bin/bash',
      '# Installe le café — pip install not-me',
      'TORCH_VERSION=2.3.1',
      'IDX="https://download.pytorch.org/whl/rocm5.7"',
      'python3 -m pip install -U "torch==${TORCH_VERSION}+rocm5.7" torchvision==0.18.1+rocm5.7 \\',
      '    --index-url "$IDX" --no-deps',
      "sudo -H pip3.10 install --pre --extra-index-url=https://example.com/simple 'numpy<2'",
      'conda run -n ml pip install onnxruntime-gpu==1.18.0 && pip uninstall -y onnxruntime',
      'uv pip install --force-reinstall -r requirements.txt -c constraints.txt',
      '',
    ].join('\n');
    const file = parse(text);
    expect(file.problems).toEqual([]);
    expect(file.commands!.map((c) => [c.tool, c.action, c.line, c.upgrade, c.noDeps, c.forceReinstall])).toEqual([
      ['python3 -m pip', 'install', 5, true, true, false],
      ['pip3.10', 'install', 7, false, false, false],
      ['pip', 'install', 8, false, false, false],
      ['pip', 'uninstall', 8, false, false, false],
      ['uv pip', 'install', 9, false, false, true],
    ]);
    expect(file.requirements.map((r) => [r.name, r.specifier, at(text, r.span), at(text, r.nameSpan), r.clauses.map((c) => at(text, c.versionSpan)), r.line])).toEqual([
      ['torch', '==2.3.1+rocm5.7', 'torch==${TORCH_VERSION}+rocm5.7', 'torch', ['${TORCH_VERSION}+rocm5.7'], 5],
      ['torchvision', '==0.18.1+rocm5.7', 'torchvision==0.18.1+rocm5.7', 'torchvision', ['0.18.1+rocm5.7'], 5],
      ['numpy', '<2', 'numpy<2', 'numpy', ['2'], 7],
      ['onnxruntime-gpu', '==1.18.0', 'onnxruntime-gpu==1.18.0', 'onnxruntime-gpu', ['1.18.0'], 8],
    ]);
    expect(file.options.map((o) => [o.option, o.value, at(text, o.valueSpan), o.line])).toEqual([
      ['--index-url', 'https://download.pytorch.org/whl/rocm5.7', '$IDX', 6],
      ['--pre', null, null, 7],
      ['--extra-index-url', 'https://example.com/simple', 'https://example.com/simple', 7],
    ]);
    expect(file.commands![3]!.removes.map((r) => [r.normalizedName, at(text, r.span)])).toEqual([['onnxruntime', 'onnxruntime']]);
    expect(file.includes.map((i) => [i.kind, i.target, at(text, i.targetSpan), at(text, i.span)])).toEqual([
      ['requirement', 'requirements.txt', 'requirements.txt', '-r requirements.txt'],
      ['constraint', 'constraints.txt', 'constraints.txt', '-c constraints.txt'],
    ]);
  });

  it('ignores echo and printf text, comments and heredoc bodies', () => {
    const text = [
      'echo "pip install torch==2.3.1"',
      "printf 'pip install numpy==1.26.4\\n'",
      '# pip install pillow==10.0.0',
      'cat > notes.txt <<END',
      'pip install onnxruntime==1.18.0',
      'END',
      'echo pip install scipy==1.13.0',
      '',
    ].join('\n');
    const file = parse(text);
    expect(file.commands).toEqual([]);
    expect(file.requirements).toEqual([]);
  });

  it('marks commands in functions never called, and runs called ones where they are called', () => {
    const text = [
      'setup_gpu() {',
      '  pip install onnxruntime-gpu==1.18.0',
      '}',
      'unused() { pip install onnxruntime==1.18.0; }',
      'pip install numpy==1.26.4',
      'setup_gpu',
      '',
    ].join('\n');
    const file = parse(text);
    expect(file.commands!.map((c) => [file.requirements[c.requirements[0]!]!.name, c.reachable])).toEqual([
      ['numpy', true],
      ['onnxruntime-gpu', true],
      ['onnxruntime', false],
    ]);
  });

  it('keeps paths, URLs and editables as unnamed requirements and reports invalid ones', () => {
    const text = 'pip install -e . ./wheels/torch-2.3.1-cp311-none-linux_x86_64.whl "torch=2.3.1" "$UNKNOWN"\n';
    const file = parse(text);
    expect(file.requirements.map((r) => [r.url, r.editable])).toEqual([
      ['.', true],
      ['./wheels/torch-2.3.1-cp311-none-linux_x86_64.whl', false],
    ]);
    expect(file.problems.map((p) => at(text, p.span))).toEqual(['=']);
  });

  it('reads Dockerfile RUN lines, ARG defaults and continuations', () => {
    const text = [
      'FROM python:3.11-slim',
      'ARG TV=0.18.1',
      'RUN --mount=type=cache,target=/root/.cache pip install \\',
      '    # the vision package',
      '    torchvision==${TV} && \\',
      '    echo done',
      'CMD ["pip", "install", "nope==1.0"]',
      'RUN ["pip", "install", "nope==2.0"]',
      'LABEL note="pip install nope==3.0"',
      '',
    ].join('\n');
    const file = parse(text, 'docker/Dockerfile');
    expect(file.requirements.map((r) => [r.name, r.specifier, at(text, r.span), r.line])).toEqual([['torchvision', '==0.18.1', 'torchvision==${TV}', 5]]);
  });

  it("reads the script string of sh -c / bash -lc / su -c at its written place", () => {
    const text = [
      "bash -c 'pip install torch==2.3.1 torchvision==0.17.0'",
      'V=1.24.3',
      'sudo -u app bash -lc "pip install numpy==$V && pip uninstall -y onnxruntime"',
      "su app -c 'pip3 install onnxruntime-gpu==1.18.0'",
      "docker run --rm img sh -c 'echo pip install not-me==1.0'",
      'sh -c "pip install \\"escaped==1.0\\""',
      "bash -c 'bash -c \"pip install nested==2.0\"'",
      'bash script.sh',
      '',
    ].join('\n');
    const file = parse(text);
    expect(file.requirements.map((r) => [r.name, r.specifier, at(text, r.span), r.line])).toEqual([
      ['torch', '==2.3.1', 'torch==2.3.1', 1],
      ['torchvision', '==0.17.0', 'torchvision==0.17.0', 1],
      ['numpy', '==1.24.3', 'numpy==$V', 3],
      ['onnxruntime-gpu', '==1.18.0', 'onnxruntime-gpu==1.18.0', 4],
      // Read as the inner shell reads it (escapes removed); the span ends at the closing quote's backslash.
      ['escaped', '==1.0', 'escaped==1.0\\', 6],
      ['nested', '==2.0', 'nested==2.0', 7],
    ]);
    expect(file.commands?.map((c) => [c.action, c.line])).toEqual([
      ['install', 1],
      ['install', 3],
      ['uninstall', 3],
      ['install', 4],
      ['install', 6],
      ['install', 7],
    ]);
  });

  it('reads a heredoc fed to a shell as its script, and no other heredoc', () => {
    const text = [
      "bash <<'EOF'",
      'pip install torch==2.3.1',
      'EOF',
      'V=0.18.1',
      'sudo -E sh -s <<EOF',
      'pip install torchvision==$V',
      'EOF',
      "cat > notes.txt <<'EOF'",
      'pip install not-me==1.0',
      'EOF',
      "bash run.sh <<'EOF'",
      'pip install input-only==1.0',
      'EOF',
      '',
    ].join('\n');
    const file = parse(text);
    expect(file.requirements.map((r) => [r.name, at(text, r.span), r.line])).toEqual([
      ['torch', 'torch==2.3.1', 2],
      ['torchvision', 'torchvision==$V', 6],
    ]);
  });

  it('gives an empty model without grammars and never throws', () => {
    expect(parseShellScript('s.sh', 'pip install numpy\n')).toMatchObject({ requirements: [], commands: [] });
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const file = parse(`X=${s}\npip install ${s} "${s}" \${X}\n${s}`);
        for (const r of file.requirements) expect(r.span.start).toBeLessThanOrEqual(r.span.end);
      }),
      { numRuns: 200, seed: 7 },
    );
    expect(() => parse('pip install "'.repeat(2000))).not.toThrow();
  });
});
