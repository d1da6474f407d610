import { describe, expect, it } from 'vitest';
import { checkRule } from '../support/analyze';

const id = 'requirement-conflict';

describe('requirement-conflict', () => {
  it('flags numpy==1.24.3 with tensorflow==2.12.0', () => {
    const findings = checkRule(id, { 'requirements.txt': 'numpy==1.24.3\ntensorflow==2.12.0\n' });
    expect(findings.map((f) => [f.text, f.message])).toEqual([
      [
        'numpy==1.24.3',
        '`numpy==1.24.3` conflicts with `tensorflow==2.12.0`, which requires `numpy>=1.22,<1.24`; pip cannot install both and stops with ResolutionImpossible.',
      ],
    ]);
    expect(findings[0]!.related).toEqual([{ file: 'requirements.txt', text: 'tensorflow==2.12.0' }]);
  });

  it('names the declared marker', () => {
    const findings = checkRule(id, { 'requirements.txt': 'torch==2.0.1\ntriton==2.1.0\n' });
    expect(findings.map((f) => f.message)).toEqual([
      '`triton==2.1.0` conflicts with `torch==2.0.1`, which requires `triton==2.0.0` (where platform_system == "Linux" and platform_machine == "x86_64"); pip cannot install both and stops with ResolutionImpossible.',
    ]);
  });

  const tail = '; pip cannot install both and stops with ResolutionImpossible.';
  const linux = 'platform_system == "Linux" and platform_machine == "x86_64"';

  it.each([
    ['tensorflow 2.15 caps numpy below 2', 'tensorflow==2.15.1\nnumpy==2.0.0\n', 'numpy==2.0.0', '`numpy==2.0.0` conflicts with `tensorflow==2.15.1`, which requires `numpy>=1.23.5,<2.0.0`'],
    ['tensorflow 2.15 needs numpy 1.23.5 or later', 'tensorflow==2.15.0\nnumpy==1.22.4\n', 'numpy==1.22.4', '`numpy==1.22.4` conflicts with `tensorflow==2.15.0`, which requires `numpy>=1.23.5,<2.0.0`'],
    ['tensorflow 2.11 caps protobuf below 3.20', 'tensorflow==2.11.0\nprotobuf==4.21.12\n', 'protobuf==4.21.12', '`protobuf==4.21.12` conflicts with `tensorflow==2.11.0`, which requires `protobuf>=3.9.2,<3.20`'],
    ['tensorflow 2.12 needs protobuf 3.20.3 or later', 'tensorflow==2.12.0\nprotobuf==3.19.6\n', 'protobuf==3.19.6', '`protobuf==3.19.6` conflicts with `tensorflow==2.12.0`, which requires `protobuf>=3.20.3,<5.0.0dev,!=4.21.0,!=4.21.1,!=4.21.2,!=4.21.3,!=4.21.4,!=4.21.5`'],
    ['tensorflow 2.17 caps protobuf below 5', 'tensorflow==2.17.0\nprotobuf==5.27.1\n', 'protobuf==5.27.1', '`protobuf==5.27.1` conflicts with `tensorflow==2.17.0`, which requires `protobuf<5.0.0dev`'],
    ['torch 2.1.2 pins triton 2.1.0', 'torch==2.1.2\ntriton==2.2.0\n', 'triton==2.2.0', `\`triton==2.2.0\` conflicts with \`torch==2.1.2\`, which requires \`triton==2.1.0\` (where ${linux})`],
    ['torch 2.5.1+cu121 pins triton 3.1.0', 'torch==2.5.1+cu121\ntriton==3.0.0\n', 'triton==3.0.0', `\`triton==3.0.0\` conflicts with \`torch==2.5.1+cu121\`, which requires \`triton==3.1.0\` (where ${linux} and python_version < "3.13")`],
    ['torch 2.6.0 pins triton 3.2.0', 'triton==3.0.0\ntorch==2.6.0\n', 'triton==3.0.0', `\`triton==3.0.0\` conflicts with \`torch==2.6.0\`, which requires \`triton==3.2.0\` (where ${linux})`],
    ['xformers 0.0.23.post1 pins torch 2.1.2', 'torch==2.1.1\nxformers==0.0.23.post1\n', 'torch==2.1.1', '`torch==2.1.1` conflicts with `xformers==0.0.23.post1`, which requires `torch==2.1.2`'],
    ['xformers 0.0.26.post1 pins torch 2.3.0', 'torch==2.3.1+cu121\nxformers==0.0.26.post1\n', 'torch==2.3.1+cu121', '`torch==2.3.1+cu121` conflicts with `xformers==0.0.26.post1`, which requires `torch==2.3.0`'],
    ['xformers 0.0.30 pins torch 2.7.0', 'torch==2.4.0\nxformers==0.0.30\n', 'torch==2.4.0', '`torch==2.4.0` conflicts with `xformers==0.0.30`, which requires `torch==2.7.0`'],
    ['transformers 4.56.1 caps huggingface-hub below 1.0', 'transformers==4.56.1\nhuggingface_hub==1.0.0\n', 'huggingface_hub==1.0.0', '`huggingface_hub==1.0.0` conflicts with `transformers==4.56.1`, which requires `huggingface-hub>=0.34.0,<1.0`'],
    ['transformers 4.26.0 needs huggingface-hub 0.11', 'transformers==4.26.0\nhuggingface-hub==0.8.1\n', 'huggingface-hub==0.8.1', '`huggingface-hub==0.8.1` conflicts with `transformers==4.26.0`, which requires `huggingface-hub>=0.11.0,<1.0`'],
    ['gradio 4.11.0 pins its client', 'gradio==4.11.0\ngradio_client==0.7.1\n', 'gradio_client==0.7.1', '`gradio_client==0.7.1` conflicts with `gradio==4.11.0`, which requires `gradio-client==0.7.3`'],
  ])('%s', (_name, text, flagged, message) => {
    expect(checkRule(id, { 'requirements.txt': text }).map((f) => [f.text, f.message])).toEqual([[flagged, message + tail]]);
  });

  it('reports across files and names the owner as related', () => {
    const findings = checkRule(id, { 'requirements.txt': '-c constraints.txt\nxformers==0.0.25\n', 'constraints.txt': 'torch==2.2.2\n' });
    expect(findings.map((f) => [f.file, f.text, f.related])).toEqual([['constraints.txt', 'torch==2.2.2', [{ file: 'requirements.txt', text: 'xformers==0.0.25' }]]]);
  });

  it.each([
    ['numpy==1.24.3\ntensorflow==2.13.0\n'],
    ['numpy==1.23.5\ntensorflow==2.12.0\n'],
    ['numpy>=1.23\ntensorflow==2.12.0\n'],
    ['numpy==1.24.3\ntensorflow>=2.12\n'],
    ['torch==2.0.1\ntriton==2.1.0; sys_platform == "win32"\n'],
    ['numpy==1.24.3; python_version >= "3.12"\ntensorflow==2.12.0; python_version < "3.12"\n'],
    ['tensorflow==2.15.0\nnumpy==1.26.4\n'],
    ['tensorflow>=2.15\nnumpy==2.0.0\n'],
    ['tensorflow==2.12.0\nprotobuf==4.21.12\n'],
    ['tensorflow==2.11.0\nprotobuf<3.20\n'],
    ['torch==2.1.2\ntriton==2.1.0\n'],
    ['torch==2.5.1+cpu\ntriton==3.0.0\n'],
    ['torch==2.6.0+rocm6.2.4\ntriton==3.0.0\n'],
    ['torch==2.6.0; sys_platform == "darwin"\ntriton==3.0.0\n'],
    ['torch==2.2.1\ntriton==3.0.0; python_version >= "3.12"\n'],
    ['torch==2.5.0+cu124\nxformers==0.0.28.post2\n'],
    ['torch==2.1.2+cu118\nxformers==0.0.23.post1+cu118\n'],
    ['torch>=2.1\nxformers==0.0.23\n'],
    ['transformers==4.56.1\nhuggingface-hub==0.35.3\n'],
    ['gradio==4.17.0\ngradio-client==0.9.0\n'],
  ])('accepts %j', (text) => {
    expect(checkRule(id, { 'requirements.txt': text })).toEqual([]);
  });
});
