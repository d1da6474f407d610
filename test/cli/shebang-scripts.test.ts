// Install scripts without an extension (`install`, `scripts/setup`) are found by their `#!` line,
// read no further than that line while walking, and followed into the files they install.
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, fixtureDir, runCliInProcess, findingsOf } from './run-cli';

beforeAll(() => ensureBuilt());

describe('scripts found by their #! line', () => {
  it('checks extensionless sh/bash scripts and follows their -r into the project', async () => {
    const dir = fixtureDir({
      install: '#!/usr/bin/env bash\nset -e\npip install torch==2.3.1 torchvision==0.17.0\n',
      'scripts/setup': '#!/usr/bin/env -S bash -e\npip install -r ../reqs/gpu.txt\n',
      'reqs/gpu.txt': 'onnxruntime==1.17.1\nonnxruntime-gpu==1.17.1\n',
      'scripts/provision': '#!/bin/sh\npip install numpy==1.24.3\n',
      '.python-version': '3.12\n',
    });
    const { status, stdout } = (await runCliInProcess(['check', dir, '--format', 'json']));
    expect(status).toBe(1);
    const found = findingsOf(stdout).map((f) => [f.file, f.ruleId]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['install', 'torch-family-mismatch'],
        ['reqs/gpu.txt', 'distribution-conflict'],
        ['scripts/provision', 'python-version-unsupported'],
      ]),
    );
  });

  it('leaves other extensionless files alone: text, Python scripts, binary data, empty files', async () => {
    const dir = fixtureDir({
      LICENSE: 'pip install torch==2.3.1 torchvision==0.17.0\n',
      tool: '#!/usr/bin/env python3\nimport os\n# pip install torch==2.3.1 torchvision==0.17.0\n',
      blob: Buffer.from([0x23, 0x21, 0x00, 0xff, 0xfe, 0x62, 0x61, 0x73, 0x68, 0x0a]),
      empty: '',
      'requirements.txt': 'numpy==1.26.4\n',
    });
    const { status, stdout, stderr } = (await runCliInProcess(['check', dir, '--format', 'json']));
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(findingsOf(stdout)).toEqual([]);
  });
});
