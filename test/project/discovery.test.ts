// Which files a run reads, through the CLI: kinds decided on project paths, requirements files by
// content under any name, and a file named on the command line never skipped silently.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixtureDir, runCliInProcess } from '../cli/run-cli';

const mismatch = 'torch==2.3.1\ntorchvision==0.17.0\n';
const dirs: string[] = [];
const project = (files: Record<string, string>) => {
  const dir = fixtureDir(files);
  dirs.push(dir);
  return dir;
};
const findingsOf = async (args: string[]) => {
  const run = await runCliInProcess(['check', ...args, '--format', 'json']);
  expect(run.stderr).toBe('');
  return (JSON.parse(run.stdout) as { findings: { ruleId: string; file: string; level: string; message: string }[] }).findings;
};

beforeAll(ensureBuilt);
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('discovery', () => {
  it('finds a requirements/<name>.txt on its own, by its folder', async () => {
    const dir = project({ 'requirements/gpu.txt': mismatch, 'src/app.py': 'print(1)\n' });
    const findings = await findingsOf([dir]);
    expect(findings.filter((f) => f.ruleId === 'torch-family-mismatch').map((f) => f.file)).toEqual(['requirements/gpu.txt']);
  });

  it('reads req.txt, deps.txt and the misspelled requirments_*.txt', async () => {
    const dir = project({ 'req.txt': mismatch, 'deps.txt': mismatch, 'requirments_linux.txt': mismatch });
    const files = new Set((await findingsOf([dir])).filter((f) => f.ruleId === 'torch-family-mismatch').map((f) => f.file));
    expect([...files].sort()).toEqual(['deps.txt', 'req.txt', 'requirments_linux.txt']);
  });

  it('reads a .txt under any other name when its lines are requirements, and leaves prose alone', async () => {
    const dir = project({
      'env/stack_v2.txt': `# what the paper used\n${mismatch}numpy==1.26.4\n`,
      'NOTES.txt': 'torch was slow\nnumpy too\n',
      'LICENSE.txt': 'MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n',
    });
    const findings = await findingsOf([dir]);
    expect(findings.filter((f) => f.ruleId === 'torch-family-mismatch').map((f) => f.file)).toEqual(['env/stack_v2.txt']);
    expect(findings.filter((f) => f.file !== 'env/stack_v2.txt')).toEqual([]);
  });

  it('reads a file named on the command line whatever its name', async () => {
    const dir = project({ 'pins.lst.txt': 'torch==2.3.1 ===\n', 'gpu-stack': mismatch });
    const broken = await findingsOf([join(dir, 'pins.lst.txt')]);
    expect(broken.map((f) => f.ruleId)).toContain('syntax-error');
    const noExtension = await findingsOf([join(dir, 'gpu-stack')]);
    expect(noExtension.map((f) => f.ruleId)).toContain('torch-family-mismatch');
  });

  it('says so when a file named on the command line is not a dependency file', async () => {
    const dir = project({ 'notes.md': '# Notes\ntorch==2.3.1\n' });
    const run = await runCliInProcess(['check', join(dir, 'notes.md')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('not a dependency file Pinwise reads');
    expect(run.stdout).not.toContain('No problems found');
  });

  it('finds a script\'s `pip install -r deps/base.txt` from the root and beside the script', async () => {
    const dir = project({ 'scripts/setup.sh': '#!/bin/sh\npip install -r deps/base.txt\n', 'deps/base.txt': mismatch });
    const findings = await findingsOf([dir]);
    expect(findings.filter((f) => f.ruleId === 'unresolved-include')).toEqual([]);
    expect(findings.filter((f) => f.ruleId === 'torch-family-mismatch').map((f) => f.file)).toEqual(['deps/base.txt']);
  });
});
