// Adding uv's PyTorch index to a pyproject.toml: for the build the project pins (a local tag, or the
// index its other files install from), the family's packages sourced from it, and nothing when the
// file already configures uv's indexes or nothing says which build.
import { describe, expect, it } from 'vitest';
import { analyze, applyEdits, defaultSettings } from '../../server/src/engine';
import { uvIndexPlan } from '../../server/src/engine/uv-index';
import { grammars, kb } from '../support/analyze';

const projectOf = (files: Record<string, string>) =>
  analyze({ files: Object.entries(files).map(([path, text]) => ({ path, text })), settings: defaultSettings({ select: ['syntax-error'] }), kb, grammars }).project;

const pyproject = '[project]\nname = "app"\nversion = "1"\ndependencies = ["torch==2.5.1+cu121", "torchvision==0.20.1+cu121", "numpy<2"]\n';

describe('uv PyTorch index configuration', () => {
  it('adds the index of the pinned build, explicit, with one source per family package', () => {
    const plan = uvIndexPlan(projectOf({ 'pyproject.toml': pyproject }), kb, 'pyproject.toml')!;
    expect(plan.variant).toBe('cu121');
    const after = applyEdits(pyproject, [plan.edit]).text;
    expect(after.startsWith(pyproject)).toBe(true);
    expect(after.slice(pyproject.length)).toBe(
      [
        '',
        '[[tool.uv.index]]',
        'name = "pytorch-cu121"',
        'url = "https://download.pytorch.org/whl/cu121"',
        'explicit = true',
        '',
        '[tool.uv.sources]',
        `torch = [{ index = "pytorch-cu121", marker = "sys_platform == 'linux' or sys_platform == 'win32'" }]`,
        `torchvision = [{ index = "pytorch-cu121", marker = "sys_platform == 'linux' or sys_platform == 'win32'" }]`,
        '',
      ].join('\n'),
    );
    // The result is what Pinwise reads as uv sources: torch now comes from that index.
    const torch = projectOf({ 'pyproject.toml': after }).parsed.get('pyproject.toml')!.requirements.find((r) => r.normalizedName === 'torch')!;
    expect(torch.indexes?.map((i) => i.url)).toEqual(['https://download.pytorch.org/whl/cu121']);
    expect(uvIndexPlan(projectOf({ 'pyproject.toml': after }), kb, 'pyproject.toml')).toBeNull();
  });

  it('takes the build from the PyTorch index the project’s other files install from', () => {
    const files = {
      'pyproject.toml': '[project]\nname = "app"\nversion = "1"\ndependencies = ["torch==2.5.1"]\n',
      'requirements.txt': '--index-url https://download.pytorch.org/whl/rocm6.2\ntorch==2.5.1\n',
    };
    const plan = uvIndexPlan(projectOf(files), kb, 'pyproject.toml')!;
    expect(plan).toMatchObject({ variant: 'rocm6.2', from: 'the index requirements.txt installs from' });
    expect(plan.edit.text).toContain('url = "https://download.pytorch.org/whl/rocm6.2"');
  });

  it('is not offered without a build to name, for an unknown build, or when uv is configured', () => {
    const plain = '[project]\nname = "app"\nversion = "1"\ndependencies = ["torch==2.5.1"]\n';
    expect(uvIndexPlan(projectOf({ 'pyproject.toml': plain }), kb, 'pyproject.toml')).toBeNull();
    const unpublished = pyproject.replace(/\+cu121/g, '+cu999');
    expect(uvIndexPlan(projectOf({ 'pyproject.toml': unpublished }), kb, 'pyproject.toml')).toBeNull();
    const configured = `${pyproject}\n[[tool.uv.index]]\nname = "mine"\nurl = "https://example.org/simple"\n`;
    expect(uvIndexPlan(projectOf({ 'pyproject.toml': configured }), kb, 'pyproject.toml')).toBeNull();
    expect(uvIndexPlan(projectOf({ 'requirements.txt': 'torch==2.5.1+cu121\n' }), kb, 'requirements.txt')).toBeNull();
  });
});
