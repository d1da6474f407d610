import { describe, expect, it } from 'vitest';
import { checkRule, fixFiles } from '../support/analyze';

// End to end through analyze(): requirements + .py in, findings and fixed text out.
const run = (files: Record<string, string>) => checkRule('deprecated-api', files);
const fix = (files: Record<string, string>) => fixFiles(files, { select: ['deprecated-api'] });
const edit = (files: Record<string, string>, file: string, index = 0) => {
  // Applies the first (possibly unsafe) fix of one finding, as the editor's quick fix would.
  const finding = run(files).filter((f) => f.file === file)[index]!;
  const edits = [...finding.fixes[0]!.edits].sort((a, b) => b.span.start - a.span.start);
  let text = files[file]!;
  for (const e of edits) text = text.slice(0, e.span.start) + e.text + text.slice(e.span.end);
  return text;
};

describe('deprecated-api: diffusers', () => {
  it('randn_tensor left diffusers.utils in 0.21 (ImportError), with no deprecation period', () => {
    const code = 'from diffusers.utils import BaseOutput, randn_tensor\nimport diffusers\nx = diffusers.utils.randn_tensor((1,))\nfrom diffusers.utils.torch_utils import randn_tensor as ok\n';
    const pinned = checkRule('deprecated-api', { 'requirements.txt': 'diffusers==0.21.4\n', 'gen.py': code });
    expect(pinned.map((f) => [f.text, f.level, f.fixes.map((x) => [x.title, x.applicability === 'safe'])])).toEqual([
      ['randn_tensor', 'error', []],
      ['diffusers.utils.randn_tensor', 'error', [['Replace with `diffusers.utils.torch_utils.randn_tensor`', false]]],
    ]);
    expect(pinned[0]!.message).toBe(
      '`randn_tensor` was removed in Diffusers 0.21 (this project pins diffusers==0.21.4). Use `diffusers.utils.torch_utils.randn_tensor` (Diffusers 0.18+).',
    );
    expect(checkRule('deprecated-api', { 'requirements.txt': 'diffusers==0.20.2\n', 'gen.py': code })).toEqual([]);
    expect(checkRule('deprecated-api', { 'requirements.txt': 'diffusers>=0.19\n', 'gen.py': code }).map((f) => f.level)).toEqual(['warning', 'warning']);
  });
});

describe('deprecated-api: torch', () => {
  it('removed linalg functions: torch.solve and torch.eig from 1.13, torch.symeig from 2.0; no automatic fix', () => {
    const code = 'import torch\nX, LU = torch.solve(B, A)\nL, V = torch.eig(A, eigenvectors=True)\nw, v = torch.symeig(A, eigenvectors=True)\nY = torch.linalg.solve(A, B)\n';
    const on113 = checkRule('deprecated-api', { 'requirements.txt': 'torch==1.13.1\n', 'la.py': code });
    expect(on113.map((f) => [f.text, f.level, f.fixes.length])).toEqual([
      ['torch.solve', 'error', 0],
      ['torch.eig', 'error', 0],
      ['torch.symeig', 'warning', 0],
    ]);
    expect(on113[0]!.message).toBe(
      '`torch.solve` was removed in PyTorch 1.13 (this project pins torch==1.13.1). Use `torch.linalg.solve(A, B)`: the arguments are in the opposite order and only the solution is returned (`X, LU = torch.solve(B, A)` becomes `X = torch.linalg.solve(A, B)`).',
    );
    const on20 = checkRule('deprecated-api', { 'requirements.txt': 'torch==2.0.1\n', 'la.py': code });
    expect(on20.map((f) => [f.text, f.level])).toEqual([
      ['torch.solve', 'error'],
      ['torch.eig', 'error'],
      ['torch.symeig', 'error'],
    ]);
  });

  it('torch.cuda.amp.autocast(...) → torch.amp.autocast("cuda", ...), safe on torch>=2.4', () => {
    const files = {
      'requirements.txt': 'torch==2.4.1\n',
      'train.py': '# ü\nimport torch\nwith torch.cuda.amp.autocast(dtype=torch.bfloat16):\n    pass\nscaler = torch.cuda.amp.GradScaler()\n@torch.cuda.amp.autocast()\ndef f(): ...\n',
    };
    const findings = run(files);
    expect(findings.map((f) => [f.text, f.level, f.fixes[0]?.applicability === 'safe'])).toEqual([
      ['torch.cuda.amp.autocast', 'warning', true],
      ['torch.cuda.amp.GradScaler', 'warning', true],
      ['torch.cuda.amp.autocast', 'warning', true],
    ]);
    expect(findings[0]!.message).toBe(
      '`torch.cuda.amp.autocast` is deprecated since PyTorch 2.4 (this project pins torch==2.4.1). Use `torch.amp.autocast` (PyTorch 2.3+). `torch.amp.autocast` takes `dtype` before `enabled`, so positional arguments must become keywords.',
    );
    expect(fix(files)['train.py']).toBe(
      '# ü\nimport torch\nwith torch.amp.autocast("cuda", dtype=torch.bfloat16):\n    pass\nscaler = torch.amp.GradScaler("cuda")\n@torch.amp.autocast("cuda")\ndef f(): ...\n',
    );
  });

  it('positional arguments of autocast get no fix (they would change meaning); GradScaler keeps them', () => {
    const files = { 'requirements.txt': 'torch==2.5.1\n', 'a.py': 'import torch as T\nT.cuda.amp.autocast(True)\nT.cuda.amp.autocast(**kw)\nT.cuda.amp.GradScaler(2.0**16)\n' };
    const findings = run(files);
    expect(findings.map((f) => [f.text, f.fixes.length])).toEqual([
      ['T.cuda.amp.autocast', 0],
      ['T.cuda.amp.autocast', 0],
      ['T.cuda.amp.GradScaler', 1],
    ]);
    expect(fix(files)['a.py']).toBe('import torch as T\nT.cuda.amp.autocast(True)\nT.cuda.amp.autocast(**kw)\nT.amp.GradScaler("cuda", 2.0**16)\n');
  });

  it('nothing before 2.4; an unsafe fix when the range reaches back before torch.amp existed', () => {
    expect(run({ 'requirements.txt': 'torch==2.3.1\n', 'a.py': 'import torch\ntorch.cuda.amp.autocast()\n' })).toEqual([]);
    const [finding] = run({ 'requirements.txt': 'torch>=2.0\n', 'a.py': 'import torch\ntorch.cuda.amp.GradScaler()\n' });
    expect(finding!.level).toBe('warning');
    expect(finding!.fixes[0]!.applicability === 'safe').toBe(false);
  });

  it('a from-import of autocast is flagged at each call, without a fix that would need a new import', () => {
    const findings = run({ 'requirements.txt': 'torch==2.6.0\n', 'a.py': 'from torch.cuda.amp import autocast\nwith autocast():\n    pass\n' });
    expect(findings.map((f) => [f.text, f.fixes.length])).toEqual([['autocast', 0]]);
  });

  it('torch.load without weights_only= is a note from 2.6 on; an explicit keyword or **kwargs silences it', () => {
    const files = {
      'requirements.txt': 'torch==2.6.0\n',
      'a.py': 'import torch\nsd = torch.load("m.pt")\nok = torch.load("m.pt", weights_only=True)\nkw = torch.load("m.pt", **opts)\nx = other.load("m.pt")\n',
    };
    const findings = run(files);
    expect(findings.map((f) => [f.text, f.level, f.fixes.length])).toEqual([['torch.load', 'note', 0]]);
    expect(findings[0]!.message).toBe(
      '`torch.load` without `weights_only=` behaves differently from PyTorch 2.6 on (this project pins torch==2.6.0). A checkpoint holding other Python objects now fails to load. Pass `weights_only=True` for plain tensors and state dicts, or `weights_only=False` only for checkpoints from a trusted source.',
    );
    expect(run({ 'requirements.txt': 'torch==2.5.1\n', 'a.py': 'import torch\ntorch.load("m.pt")\n' })).toEqual([]);
  });
});

describe('deprecated-api: torchvision', () => {
  const basicsr = 'from torchvision.transforms.functional_tensor import rgb_to_grayscale\n';
  it('functional_tensor is an error from 0.17 (the basicsr import), with an offered fix only', () => {
    const files = { 'requirements.txt': 'torchvision==0.17.2\n', 'degradations.py': basicsr };
    const findings = run(files);
    expect(findings.map((f) => [f.text, f.level, f.fixes[0]?.applicability === 'safe'])).toEqual([['torchvision.transforms.functional_tensor', 'error', false]]);
    expect(findings[0]!.message).toContain('was removed in torchvision 0.17 (this project pins torchvision==0.17.2). Use `torchvision.transforms.functional`.');
    expect(fix(files)).toEqual(files); // unsafe: never applied by fix-all
    expect(edit(files, 'degradations.py')).toBe('from torchvision.transforms.functional import rgb_to_grayscale\n');
  });

  it('a warning on 0.15-0.16; every import form gets a fix that keeps the names bound', () => {
    const files = {
      'requirements.txt': 'torchvision==0.16.0\n',
      'a.py': 'from torchvision.transforms import functional_tensor\nfunctional_tensor.rgb_to_grayscale(x)\n',
      'b.py': 'from torchvision.transforms import functional_pil as F_pil\n',
      'c.py': 'import torchvision.transforms.functional_tensor as F_t\n',
    };
    expect(run(files).map((f) => [f.file, f.text, f.level])).toEqual([
      ['a.py', 'functional_tensor', 'warning'],
      ['b.py', 'functional_pil', 'warning'],
      ['c.py', 'torchvision.transforms.functional_tensor', 'warning'],
    ]);
    expect(edit(files, 'a.py')).toBe('from torchvision.transforms import functional as functional_tensor\nfunctional_tensor.rgb_to_grayscale(x)\n');
    expect(edit(files, 'b.py')).toBe('from torchvision.transforms import functional as F_pil\n');
    expect(edit(files, 'c.py')).toBe('import torchvision.transforms.functional as F_t\n');
    expect(run({ 'requirements.txt': 'torchvision==0.14.1\n', 'a.py': basicsr })).toEqual([]);
  });
});

describe('deprecated-api: transformers', () => {
  it('use_flash_attention_2=True → attn_implementation="flash_attention_2" on any Auto class', () => {
    const files = {
      'requirements.txt': 'transformers==4.40.2\n',
      'm.py': 'from transformers import AutoModelForCausalLM\nm = AutoModelForCausalLM.from_pretrained(\n    "x",\n    use_flash_attention_2=True,  # fast\n)\n',
    };
    const findings = run(files);
    expect(findings.map((f) => [f.text, f.level, f.fixes[0]?.applicability === 'safe'])).toEqual([['use_flash_attention_2', 'warning', true]]);
    expect(findings[0]!.message).toBe(
      '`use_flash_attention_2=` of `from_pretrained()` is deprecated since Transformers 4.36 (this project pins transformers==4.40.2). Use `attn_implementation="flash_attention_2"` (Transformers 4.36+).',
    );
    expect(fix(files)['m.py']).toBe('from transformers import AutoModelForCausalLM\nm = AutoModelForCausalLM.from_pretrained(\n    "x",\n    attn_implementation="flash_attention_2",  # fast\n)\n');
  });

  it('use_flash_attention_2 with a value the data does not map is flagged without a fix', () => {
    const findings = run({ 'requirements.txt': 'transformers==4.40.2\n', 'm.py': 'import transformers\ntransformers.AutoModel.from_pretrained("x", use_flash_attention_2=flag)\n' });
    expect(findings.map((f) => [f.text, f.fixes.length])).toEqual([['use_flash_attention_2', 0]]);
  });

  it('evaluation_strategy → eval_strategy on TrainingArguments and Seq2SeqTrainingArguments; not before 4.41', () => {
    const files = {
      'requirements.txt': 'transformers>=4.41\n',
      't.py': 'from transformers import TrainingArguments, Seq2SeqTrainingArguments\na = TrainingArguments("o", evaluation_strategy="epoch")\nb = Seq2SeqTrainingArguments("o", evaluation_strategy="steps")\nc = MyArgs(evaluation_strategy="no")\n',
    };
    expect(run(files).map((f) => f.text)).toEqual(['evaluation_strategy', 'evaluation_strategy']);
    expect(fix(files)['t.py']).toBe(
      'from transformers import TrainingArguments, Seq2SeqTrainingArguments\na = TrainingArguments("o", eval_strategy="epoch")\nb = Seq2SeqTrainingArguments("o", eval_strategy="steps")\nc = MyArgs(evaluation_strategy="no")\n',
    );
    expect(run({ 'requirements.txt': 'transformers==4.40.0\n', 't.py': files['t.py'] })).toEqual([]);
  });

  it('AutoModelWithLMHead is deprecated with a manual hint', () => {
    const [finding] = run({ 'requirements.txt': 'transformers==4.30.0\n', 'a.py': 'from transformers import AutoModelWithLMHead\n' });
    expect(finding!.fixes).toEqual([]);
    expect(finding!.message).toContain('Use `AutoModelForCausalLM`, `AutoModelForMaskedLM` or `AutoModelForSeq2SeqLM`');
  });
});

describe('deprecated-api: Gradio 4', () => {
  it('demo.queue(concurrency_count=…) on a Blocks instance from with-as: an error with an offered rename', () => {
    const files = {
      'requirements.txt': 'gradio==4.44.0\n',
      'app.py': 'import gradio as gr\nwith gr.Blocks() as demo:\n    btn = gr.Button("Go")\ndemo.queue(concurrency_count=4).launch()\nq.queue(concurrency_count=4)\n',
    };
    const findings = run(files);
    expect(findings.map((f) => [f.text, f.level, f.fixes[0]?.applicability === 'safe'])).toEqual([['concurrency_count', 'error', false]]);
    expect(findings[0]!.message).toContain('was removed in Gradio 4.0 (this project pins gradio==4.44.0). Use `default_concurrency_limit=` (Gradio 4.0+).');
    expect(edit(files, 'app.py')).toBe(
      'import gradio as gr\nwith gr.Blocks() as demo:\n    btn = gr.Button("Go")\ndemo.queue(default_concurrency_limit=4).launch()\nq.queue(concurrency_count=4)\n',
    );
    expect(fix(files)).toEqual(files);
  });

  it('gr.inputs / gr.outputs and .style() are errors on 4.x and fine on 3.x', () => {
    const app = 'import gradio as gr\ni = gr.inputs.Textbox()\no = gr.outputs.Label()\ng = gr.Gallery().style(grid=2)\nc = gr.Chatbot()\nc.style(height=400)\n';
    expect(run({ 'requirements.txt': 'gradio>=4\n', 'app.py': app }).map((f) => [f.text, f.level])).toEqual([
      ['gr.inputs', 'error'],
      ['gr.outputs', 'error'],
      ['gr.Gallery().style', 'error'],
      ['c.style', 'error'],
    ]);
    expect(run({ 'requirements.txt': 'gradio==3.50.2\n', 'app.py': app })).toEqual([]);
  });
});

describe('deprecated-api: TensorFlow', () => {
  it('the experimental virtual-device name is the deprecated one; the fix moves to tf.config.*_logical_*', () => {
    const files = {
      'requirements.txt': 'tensorflow==2.15.0\n',
      'gpu.py': 'import tensorflow as tf\ngpus = tf.config.list_physical_devices("GPU")\ntf.config.experimental.set_virtual_device_configuration(gpus[0], cfg)\ntf.config.set_logical_device_configuration(gpus[0], cfg)\n',
    };
    expect(run(files).map((f) => [f.text, f.level, f.fixes[0]?.applicability === 'safe'])).toEqual([['tf.config.experimental.set_virtual_device_configuration', 'warning', true]]);
    expect(fix(files)['gpu.py']).toBe(
      'import tensorflow as tf\ngpus = tf.config.list_physical_devices("GPU")\ntf.config.set_logical_device_configuration(gpus[0], cfg)\ntf.config.set_logical_device_configuration(gpus[0], cfg)\n',
    );
  });
});

describe('deprecated-api: robustness', () => {
  it('never throws on malformed, binary or deeply nested Python', () => {
    const req = 'torch==2.6.0\nnumpy==2.0.0\ngradio==4.0.0\n';
    for (const text of ['import torch\ntorch.load(', 'import numpy as np\n\u0000np.NaN\uFFFF', 'import gradio as gr\n' + 'gr.Blocks().queue('.repeat(500), 'import torch\n' + '('.repeat(3000) + 'torch.load(x)']) {
      expect(() => run({ 'requirements.txt': req, 'a.py': text })).not.toThrow();
    }
  });
});
