import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRule, fixPins, repoRoot } from '../support/analyze';

const rule = 'torch-family-mismatch';
const seed = readFileSync(join(repoRoot, 'test/fixtures/torch/seed/requirements.txt'), 'utf8');
const rocmIndex = '--index-url https://download.pytorch.org/whl/rocm5.7\n';

describe(rule, () => {
  it('accepts the seed story: torch 2.3.1 with torchvision 0.18.1 on rocm5.7', () => {
    expect(checkRule(rule, { 'requirements.txt': seed })).toEqual([]);
  });

  it('flags torchvision 0.17.0 beside torch 2.3.1 and says what matches', () => {
    const files = { 'requirements.txt': `${rocmIndex}torch==2.3.1+rocm5.7\ntorchvision==0.17.0+rocm5.7  # vision ✓\n` };
    const findings = checkRule(rule, files);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      file: 'requirements.txt',
      text: '==0.17.0+rocm5.7',
      level: 'error',
      message:
        'torchvision==0.17.0+rocm5.7 cannot install with torch==2.3.1+rocm5.7: torchvision 0.17.0 is built for torch 2.2.0; torch==2.3.1+rocm5.7 needs torchvision 0.18.1.',
      related: [{ file: 'requirements.txt', text: '==2.3.1+rocm5.7' }],
    });
    expect(findings[0]!.fixes.map((f) => [f.title, f.applicability])).toEqual([
      ['Set torchvision to 0.18.1+rocm5.7', 'changes-installed'],
      ['Set torch to 2.2.0+rocm5.7', 'manual'],
    ]);
    expect(fixPins(files)['requirements.txt']).toBe(`${rocmIndex}torch==2.3.1+rocm5.7\ntorchvision==0.18.1+rocm5.7  # vision ✓\n`);
  });

  it('works on specifier sets, not only ==', () => {
    expect(checkRule(rule, { 'requirements.txt': 'torch>=2.1,<2.2\ntorchvision==0.17.0\n' }).map((f) => f.message)).toEqual([
      'torchvision==0.17.0 cannot install with torch>=2.1,<2.2: torchvision 0.17.0 is built for torch 2.2.0; torch>=2.1,<2.2 needs torchvision 0.16.0, 0.16.1 or 0.16.2.',
    ]);
    expect(checkRule(rule, { 'requirements.txt': 'torch>=2.1,<2.3\ntorchvision==0.17.0\n' })).toEqual([]);
    const wildcard = checkRule(rule, { 'requirements.txt': 'torch==2.8.0.*\ntorchvision==0.22.*\n' });
    expect(wildcard.map((f) => f.text)).toEqual(['==0.22.*']);
    expect(wildcard[0]!.message).toContain('needs torchvision 0.23.0');
  });

  it('checks torchaudio too, and torchvision against torchaudio without torch', () => {
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.0.1\ntorchaudio==2.0.1\n' }).map((f) => f.text)).toEqual(['==2.0.1']);
    expect(checkRule(rule, { 'requirements.txt': 'torchvision==0.19.1\ntorchaudio==2.3.1\n' }).map((f) => f.text)).toEqual(['==2.3.1']);
  });

  it('follows -r includes, -c constraints and backslash continuations', () => {
    const viaInclude = checkRule(rule, { 'requirements.txt': '-r base.txt\ntorchvision==0.17.0\n', 'base.txt': `${rocmIndex}torch==2.3.1+rocm5.7\n` });
    expect(viaInclude.map((f) => [f.file, f.text, f.related[0]!.file])).toEqual([['requirements.txt', '==0.17.0', 'base.txt']]);
    const viaConstraint = checkRule(rule, { 'requirements.txt': '-c constraints.txt\ntorch\ntorchvision\n', 'constraints.txt': 'torch==2.3.1\ntorchvision==0.17.0\n' });
    expect(viaConstraint.map((f) => [f.file, f.text])).toEqual([['constraints.txt', '==0.17.0']]);
    const continued = { 'requirements.txt': 'torch==2.3.1 \\\n    --hash=sha256:aaaa\ntorchvision\\\n==0.17.0 \\\n    --hash=sha256:bbbb\n' };
    const findings = checkRule(rule, continued);
    expect(findings.map((f) => f.text)).toEqual(['==0.17.0']);
    expect(findings[0]!.fixes[0]).toMatchObject({ title: 'Set torchvision to 0.18.1 (its --hash values must be regenerated)', applicability: 'manual' });
    expect(fixPins(continued)['requirements.txt']).toBe(continued['requirements.txt']);
  });

  it('judges pins under exclusive markers separately', () => {
    const files = {
      'requirements.txt': 'torch==2.3.1 ; sys_platform == "darwin"\ntorch==2.2.2 ; sys_platform != "darwin"\ntorchvision==0.18.1 ; sys_platform == "darwin"\ntorchvision==0.17.2 ; sys_platform != "darwin"\n',
    };
    expect(checkRule(rule, files)).toEqual([]);
  });

  it('judges the 2.11–2.14 pairs', () => {
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.13.0\ntorchvision==0.26.0\n' }).map((f) => f.message)).toEqual([
      'torchvision==0.26.0 cannot install with torch==2.13.0: torchvision 0.26.0 is built for torch 2.11.0; torch==2.13.0 needs torchvision 0.28.0.',
    ]);
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.11.0\ntorchvision==0.25.0\n' }).map((f) => f.text)).toEqual(['==0.25.0']);
    for (const [torch, vision] of [
      ['2.11.0', '0.26.0'],
      ['2.12.0', '0.27.0'],
      ['2.12.1', '0.27.1'],
      ['2.13.0', '0.28.0'],
      ['2.14.0', '0.29.0'],
      ['2.14.1', '0.29.1'],
    ]) {
      expect(checkRule(rule, { 'requirements.txt': `torch==${torch}\ntorchvision==${vision}\n` })).toEqual([]);
    }
  });

  it('judges torchaudio from 2.11 on by the torch versions it supports, not by release row', () => {
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.13.0\ntorchvision==0.28.0\ntorchaudio==2.11.0\n' })).toEqual([]);
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.14.1\ntorchaudio==2.11.1\n' })).toEqual([]);
    expect(checkRule(rule, { 'requirements.txt': 'torch>=2.12\ntorchaudio>=2.11\n' })).toEqual([]);
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.10.0\ntorchaudio==2.11.0\n' }).map((f) => f.message)).toEqual([
      'torchaudio==2.11.0 cannot install with torch==2.10.0: torchaudio 2.11.0 is built for torch >=2.11; torch==2.10.0 needs torchaudio 2.10.0.',
    ]);
    // An old torchaudio beside a torch that has no torchaudio of its own is pointed at the stable-ABI line.
    const old = checkRule(rule, { 'requirements.txt': 'torch==2.13.0\ntorchaudio==2.10.0\n' });
    expect(old.map((f) => f.message)).toEqual([
      'torchaudio==2.10.0 cannot install with torch==2.13.0: torchaudio 2.10.0 is built for torch 2.10.0; torch==2.13.0 needs torchaudio 2.11.0 or 2.11.1.',
    ]);
    expect(old[0]!.fixes.map((f) => [f.title, f.applicability])).toEqual([
      ['Set torchaudio to 2.11.1', 'manual'],
      ['Set torch to 2.10.0', 'manual'],
    ]);
    // Without torch: torchvision's row decides the torch, torchaudio's line must allow it.
    expect(checkRule(rule, { 'requirements.txt': 'torchvision==0.28.0\ntorchaudio==2.11.0\n' })).toEqual([]);
    expect(checkRule(rule, { 'requirements.txt': 'torchvision==0.24.0\ntorchaudio==2.11.0\n' }).map((f) => f.text)).toEqual(['==2.11.0']);
  });

  it('judges torchvision 0.29.1 by its torch>=2.14 requirement', () => {
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.14.0\ntorchvision==0.29.1\n' })).toEqual([]);
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.13.0\ntorchvision==0.29.1\n' }).map((f) => f.text)).toEqual(['==0.29.1']);
    // 0.29.0 still pins torch 2.14.0 exactly.
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.14.1\ntorchvision==0.29.0\n' }).map((f) => f.text)).toEqual(['==0.29.0']);
  });

  it('notes a release newer than the knowledge base once per package and environment, and still judges the known side', () => {
    const newer = checkRule(rule, { 'requirements.txt': 'torch==2.15.0\ntorchvision==0.25.0\n' });
    expect(newer.map((f) => [f.level, f.text, f.message])).toEqual([
      ['note', '==2.15.0', "torch 2.15.0 is newer than Pinwise's knowledge (current to 2026-11-30); not checked."],
      ['error', '==0.25.0', 'torchvision==0.25.0 cannot install with torch==2.15.0: torchvision 0.25.0 is built for torch 2.10.0.'],
    ]);
    // torchaudio 2.11 supports every later torch, torchvision 0.29.1 every torch from 2.14: nothing to say but the note.
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.15.0\ntorchaudio==2.11.0\ntorchvision==0.29.1\n' }).map((f) => f.level)).toEqual(['note']);
    const twice = checkRule(rule, { 'requirements.txt': '-r more.txt\ntorch==2.15.0\n', 'more.txt': 'torch>=2.15\ntorchvision==0.30.0\n' });
    expect(twice.map((f) => [f.file, f.level, f.message])).toEqual([
      ['more.txt', 'note', "torchvision 0.30.0 is newer than Pinwise's knowledge (current to 2026-11-30); not checked."],
      ['requirements.txt', 'note', "torch 2.15.0 is newer than Pinwise's knowledge (current to 2026-11-30); not checked."],
    ]);
    expect(checkRule(rule, { 'requirements.txt': 'torch>=2.15\n' }).map((f) => f.message)).toEqual([
      "torch>=2.15 asks for a release newer than Pinwise's knowledge (current to 2026-11-30); not checked.",
    ]);
  });

  it('says nothing about unpinned pins or versions between known releases', () => {
    expect(checkRule(rule, { 'requirements.txt': 'torch\ntorchvision\n' })).toEqual([]);
    expect(checkRule(rule, { 'requirements.txt': 'torch==2.13.5\n' })).toEqual([]);
  });
});
