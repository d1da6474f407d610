// Which parser a file gets: from its name, and for a file without an extension from its `#!` line.
import { describe, expect, it } from 'vitest';
import { fileKindOf, fileKindOfText } from '../../server/src/engine';

describe('file kinds', () => {
  it('by name', () => {
    expect(['requirements.txt', 'requirements/dev.txt', 'constraints-gpu.txt', 'base.pip', 'reqs.in', 'pyproject.toml', '.python-version', 'setup.sh', 'a/b.bash', 'Dockerfile', 'Dockerfile.cuda', 'app.py', 'README.md', 'install'].map((p) => fileKindOf(p))).toEqual([
      'requirements', 'requirements', 'requirements', 'requirements', 'requirements', 'pyproject', 'python-version', 'shell', 'shell', 'shell', 'shell', 'python', null, null,
    ]);
  });

  it('by a shell #! line, only for files without an extension', () => {
    const shells = ['#!/bin/bash\n', '#!/usr/bin/env bash\n', '#!/usr/bin/env -S bash -e\n', '#! /bin/sh', '#!/usr/local/bin/zsh -f\n', '#!/bin/dash\r\n'];
    for (const text of shells) expect(fileKindOfText('scripts/install', text), text).toBe('shell');
    const others = ['#!/usr/bin/env python3\n', '#!\0\xff\xfebash\n', '#!/bin/bashful\n', 'echo #!/bin/sh\n', '#!/usr/bin/envsh\n', '', 'pip install torch\n'];
    for (const text of others) expect(fileKindOfText('scripts/install', text), JSON.stringify(text)).toBeNull();
    expect(fileKindOfText('notes.txt', '#!/bin/bash\n')).toBeNull();
    expect(fileKindOfText('requirements.txt', '#!/bin/bash\n')).toBe('requirements');
  });
});
