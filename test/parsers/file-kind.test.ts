// Which parser a file gets: the file-kind registry decides from the project path (folders
// included), and for a name that leaves it open, from the content.
import { describe, expect, it } from 'vitest';
import { fileKindOf, fileKindOfText } from '../../server/src/engine';
import { fileKindList, looksLikeRequirements } from '../../server/src/engine/kinds';

describe('file kinds', () => {
  it('by name', () => {
    const cases: [string, string | null][] = [
      ['requirements.txt', 'requirements'],
      ['requirements/dev.txt', 'requirements'],
      ['requirements/base.in', 'requirements'],
      ['constraints-gpu.txt', 'requirements'],
      ['base.pip', 'requirements'],
      ['reqs.in', 'requirements'],
      ['req.txt', 'requirements'],
      ['deps.txt', 'requirements'],
      ['dev-deps.txt', 'requirements'],
      ['requirement.txt', 'requirements'],
      ['requirments_linux.txt', 'requirements'],
      ['dev-requirements.txt', 'requirements'],
      ['pyproject.toml', 'pyproject'],
      ['.python-version', 'python-version'],
      ['setup.sh', 'shell'],
      ['a/b.bash', 'shell'],
      ['Dockerfile', 'dockerfile'],
      ['docker/Dockerfile.cuda', 'dockerfile'],
      ['gpu.dockerfile', 'dockerfile'],
      ['app.py', 'python'],
      ['webui.bat', 'batch'],
      ['scripts/Install.CMD', 'batch'],
      ['setup.ps1', 'powershell'],
      ['.github/workflows/test.yml', 'github-workflow'],
      ['sub/.github/workflows/release.yaml', 'github-workflow'],
      ['.gitlab-ci.yml', 'gitlab-ci'],
      ['.github/dependabot.yml', null],
      ['README.md', null],
      ['install', null],
      ['notes.txt', null],
      ['docs/requirements.md', null],
      ['depsolver.txt', null],
    ];
    expect(cases.map(([path]) => [path, fileKindOf(path)])).toEqual(cases);
  });

  it('by a shell #! line, only for files without an extension', () => {
    const shells = ['#!/bin/bash\n', '#!/usr/bin/env bash\n', '#!/usr/bin/env -S bash -e\n', '#! /bin/sh', '#!/usr/local/bin/zsh -f\n', '#!/bin/dash\r\n'];
    for (const text of shells) expect(fileKindOfText('scripts/install', text), text).toBe('shell');
    const others = ['#!/usr/bin/env python3\n', '#!\0\xff\xfebash\n', '#!/bin/bashful\n', 'echo #!/bin/sh\n', '#!/usr/bin/envsh\n', '', 'pip install torch\n'];
    for (const text of others) expect(fileKindOfText('scripts/install', text), JSON.stringify(text)).toBeNull();
    expect(fileKindOfText('notes.txt', '#!/bin/bash\n')).toBeNull();
    expect(fileKindOfText('requirements.txt', '#!/bin/bash\n')).toBe('requirements');
  });

  it('a .txt under any name whose lines are requirements is a requirements file', () => {
    const requirements = '# pinned for the demo\ntorch==2.3.1\ntorchvision==0.18.1 ; sys_platform == "linux"\nnumpy>=1.24,<2\npillow\n--extra-index-url https://download.pytorch.org/whl/cu121\n';
    expect(fileKindOfText('env/gpu_stack.txt', requirements)).toBe('requirements');
    expect(fileKindOfText('env/gpu_stack.txt', '-r base.txt\n-c limits.txt\neinops==0.8.0\n')).toBe('requirements');
    // Prose, word lists, licences and CMake files are not: too few pins, or lines that are not requirements.
    const others = [
      'MIT License\n\nCopyright (c) 2024\n\nPermission is hereby granted, free of charge, to any person\n',
      'torch\nnumpy\npandas\nscipy\n',
      'cmake_minimum_required(VERSION 3.18)\nproject(demo)\nadd_library(demo demo.cpp)\n',
      'torch==2.3.1\nnumpy==1.26.4\nscipy==1.13.0\nThis list is what we used in the paper.\nIt may not install today.\n',
      '',
    ];
    for (const text of others) expect(looksLikeRequirements(text), text).toBe(false);
    expect(fileKindOfText('LICENSE.txt', others[0]!)).toBeNull();
  });

  it('has one entry per kind, each with a parser, globs and a role', () => {
    const kinds = fileKindList.map((spec) => spec.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const spec of fileKindList) {
      expect(spec.globs.length, spec.kind).toBeGreaterThan(0);
      expect(spec.parse({ path: 'x', text: '' }).kind).toBe(spec.kind);
    }
  });
});
