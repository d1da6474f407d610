// `pinwise stack`: each accelerator family, a named variant, a named release, a no-fit case, the
// project's own defaults, and the forms it prints checked by Pinwise itself.
import { beforeAll, describe, expect, it } from 'vitest';
import { torchKnowledge } from '../../server/src/engine/kb/torch';
import { kb } from '../support/analyze';
import { ensureBuilt, fixtureDir, runCliInProcess } from './run-cli';

beforeAll(() => ensureBuilt());

interface Planned {
  torch: string;
  torchvision: string;
  torchaudio: string | null;
  variant: string;
  family: string;
  indexUrl: string;
}
interface StackJson {
  ok: boolean;
  stack?: Planned;
  forms?: { requirements: string; pip: string; uvPip: string; pyproject: string; conda: string };
  reason?: string;
  nearest?: Planned[];
  defaults: { python: string | null; accelerator: string | null };
}

const view = torchKnowledge(kb)!;
const empty = fixtureDir({});
async function stack(args: string[], cwd = empty): Promise<{ status: number; json: StackJson }> {
  const { status, stdout } = (await runCliInProcess(['stack', '--format', 'json', ...args], cwd));
  return { status, json: JSON.parse(stdout) as StackJson };
}
/** The release row a planned torch belongs to. */
const rowOf = (torch: string) => view.releases.find((r) => r.torch === torch)!;

describe('pinwise stack', () => {
  it('plans the newest CPU stack by default, from one release row', async () => {
    const { status, json } = (await stack([]));
    expect(status).toBe(0);
    const newestCpu = view.releases.find((r) => r.variants.includes('cpu'))!;
    expect(json.stack).toMatchObject({ torch: newestCpu.torch, torchvision: newestCpu.torchvision, variant: 'cpu', indexUrl: 'https://download.pytorch.org/whl/cpu' });
    expect(json.defaults.accelerator).toBeNull();
  });

  it('takes a family’s newest variant for the Python asked, and gates uv sources to the platforms PyTorch serves', async () => {
    const cuda = (await stack(['--accelerator', 'cuda', '--python', '3.12'])).json;
    expect(cuda.stack!.variant).toMatch(/^cu\d+$/);
    const row = rowOf(cuda.stack!.torch);
    const newestCuda = row.variants.filter((v) => v.startsWith('cu')).sort((a, b) => Number(b.slice(2)) - Number(a.slice(2)))[0];
    expect(cuda.stack!.variant).toBe(newestCuda);
    expect(cuda.forms!.pyproject).toContain(`torch = [{ index = "pytorch-${newestCuda}", marker = "sys_platform == 'linux' or sys_platform == 'win32'" }]`);
    expect(cuda.forms!.pyproject).toContain('explicit = true');

    const rocm = (await stack(['--torch', '2.3', '--accelerator', 'rocm'])).json;
    expect(rocm.stack).toMatchObject({ torch: '2.3.1', torchvision: '0.18.1', torchaudio: '2.3.1', variant: 'rocm6.0' });
    expect(rocm.forms!.requirements).toBe('--extra-index-url https://download.pytorch.org/whl/rocm6.0\ntorch==2.3.1+rocm6.0\ntorchvision==0.18.1+rocm6.0\ntorchaudio==2.3.1+rocm6.0\n');
    expect(rocm.forms!.pip).toBe('pip install torch==2.3.1 torchvision==0.18.1 torchaudio==2.3.1 --index-url https://download.pytorch.org/whl/rocm6.0');
    expect(rocm.forms!.pyproject).toContain(`pytorch-triton-rocm = [{ index = "pytorch-rocm6.0", marker = "sys_platform == 'linux'" }]`);

    const xpu = (await stack(['--accelerator', 'xpu'])).json;
    expect(xpu.stack!.variant).toBe('xpu');
    expect(xpu.forms!.pyproject).toContain('"pytorch-triton-xpu ; sys_platform == \'linux\' or sys_platform == \'win32\'"');
  });

  it('honours a named variant and a named release', async () => {
    const cu121 = (await stack(['--accelerator', 'cu121'])).json.stack!;
    const newestWith121 = view.releases.find((r) => r.variants.includes('cu121'))!;
    expect(cu121).toMatchObject({ torch: newestWith121.torch, variant: 'cu121' });
    expect((await stack(['--torch', '2.1.2', '--accelerator', 'cu118'])).json.stack).toMatchObject({ torch: '2.1.2', torchvision: '0.16.2', torchaudio: '2.1.2' });
  });

  it('says why nothing fits and lists the nearest combinations (ROCm 5.7 and Python 3.13)', async () => {
    const { status, json } = (await stack(['--accelerator', 'rocm5.7', '--python', '3.13']));
    expect(status).toBe(1);
    expect(json.ok).toBe(false);
    expect(json.reason).toMatch(/^rocm5\.7 builds exist for torch 2\.2\.0–2\.3\.1, for Python 3\.8–3\.12; none for Python 3\.13\. Python 3\.13 wheels exist for torch 2\.5\.0–/);
    expect(json.nearest![0]).toMatchObject({ torch: '2.3.1', variant: 'rocm5.7' });
    expect(json.nearest!.slice(1).every((s) => s.family === 'rocm')).toBe(true);
    const text = (await runCliInProcess(['stack', '--accelerator', 'rocm5.7', '--python', '3.13'], empty));
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('Nothing fits accelerator rocm5.7 (from --accelerator), Python 3.13 (from --python)');
  });

  it('defaults to the project’s target Python and accelerator when run inside one; flags win', async () => {
    const dir = fixtureDir({ 'requirements.txt': '--extra-index-url https://download.pytorch.org/whl/rocm5.7\ntorch==2.2.2+rocm5.7\n', '.python-version': '3.11\n' });
    const { json } = (await stack([], dir));
    expect(json.defaults).toEqual({ python: '.python-version', accelerator: 'requirements.txt (torch==2.2.2+rocm5.7)' });
    expect(json.stack).toMatchObject({ torch: '2.3.1', variant: 'rocm5.7' });
    expect((await stack(['--accelerator', 'cpu'], dir)).json.stack!.variant).toBe('cpu');
  });

  it('prints forms that Pinwise itself finds consistent', async () => {
    for (const args of [['--accelerator', 'cuda'], ['--torch', '2.3', '--accelerator', 'rocm'], ['--accelerator', 'cpu', '--python', '3.10']]) {
      const { forms } = (await stack(args)).json;
      const dir = fixtureDir({ 'requirements.txt': forms!.requirements, 'setup.sh': `${forms!.pip}\n`, 'pyproject.toml': `${forms!.pyproject.replace('[project]', '[project]\nname = "x"\nversion = "0"')}` });
      const { stdout } = (await runCliInProcess(['check', dir, '--format', 'json', '--select', 'torch-family-mismatch,local-tag-mismatch,index-variant-mismatch,unknown-wheel-variant,syntax-error']));
      const parsed = JSON.parse(stdout);
      expect(Array.isArray(parsed) ? parsed : parsed.findings, args.join(' ')).toEqual([]);
    }
  });

  it('prints Renovate and Dependabot groups for the torch family', async () => {
    const { stdout, status } = (await runCliInProcess(['stack', '--bots', '--format', 'json'], empty));
    expect(status).toBe(0);
    const bots = JSON.parse(stdout) as { renovate: string; dependabot: string };
    expect(JSON.parse(bots.renovate)).toEqual({ packageRules: [{ matchPackageNames: ['torch', 'torchvision', 'torchaudio'], groupName: 'PyTorch' }] });
    expect(bots.dependabot).toContain('    groups:\n      pytorch:\n        patterns:\n          - "torch"\n          - "torchvision"\n          - "torchaudio"\n');
  });

  it('rejects malformed flags with exit 2', async () => {
    for (const args of [['--torch', 'latest'], ['--python', '3'], ['--accelerator', 'gpu'], ['--format', 'sarif'], ['--nope']]) {
      expect((await runCliInProcess(['stack', ...args], empty)).status, args.join(' ')).toBe(2);
    }
  });
});
