// The edits the server computes itself: "ignore on this line" comments and fix-all's minimal edit.
import { describe, expect, it } from 'vitest';
import { applyEdits } from '../../server/src/engine';
import { parseServerSettings } from '../../server/src/lsp/config';
import { ignoreCommentEdit, minimalEdit } from '../../server/src/lsp/edits';

function ignore(text: string, line: number, ruleId: string): string | null {
  const edit = ignoreCommentEdit('r.txt', text, line, ruleId, 'requirements');
  return edit ? applyEdits(text, [edit]).text : null;
}

describe('ignore comment', () => {
  it('appends to the line, keeping the rest byte for byte (CRLF, non-ASCII)', () => {
    expect(ignore('a\r\ntorch=2.1.2\r\nb ✓\r\n', 1, 'syntax-error')).toBe('a\r\ntorch=2.1.2 # pinwise: ignore[syntax-error]\r\nb ✓\r\n');
    expect(ignore('größe==1', 0, 'x-rule')).toBe('größe==1 # pinwise: ignore[x-rule]');
    expect(ignore('torch==2.1  \n', 0, 'r')).toBe('torch==2.1  # pinwise: ignore[r]\n');
  });

  it('keeps an existing comment and merges into an existing ignore list', () => {
    expect(ignore('torch==2.1 # cuda box\n', 0, 'r')).toBe('torch==2.1 # cuda box # pinwise: ignore[r]\n');
    expect(ignore('torch==2.1  # pinwise: ignore[a]\n', 0, 'b')).toBe('torch==2.1  # pinwise: ignore[a, b]\n');
    expect(ignore('x # pinwise: ignore[a, ]\n', 0, 'b')).toBe('x # pinwise: ignore[a, b]\n');
    expect(ignore('x # pinwise: ignore[a,]\n', 0, 'b')).toBe('x # pinwise: ignore[a, b]\n');
    expect(ignore('x # pinwise: ignore[]\n', 0, 'b')).toBe('x # pinwise: ignore[b]\n');
  });

  it('offers nothing where a comment would change the meaning or is already there', () => {
    expect(ignore('torch==2.1 \\\n  --hash=sha256:00\n', 0, 'r')).toBeNull();
    expect(ignore('x # pinwise: ignore\n', 0, 'r')).toBeNull();
    expect(ignore('x # pinwise: ignore[r]\n', 0, 'r')).toBeNull();
    expect(ignore('x\n', 5, 'r')).toBeNull();
    expect(ignoreCommentEdit('.python-version', '3.12\n', 0, 'r', 'python-version')).toBeNull();
  });
});

describe('minimal edit', () => {
  it('replaces only the changed middle', () => {
    expect(minimalEdit('f', 'torch==2.1.0\nnumpy\n', 'torch==2.1.2\nnumpy\n')).toEqual({ file: 'f', span: { start: 11, end: 12 }, text: '2' });
    expect(minimalEdit('f', 'same', 'same')).toBeNull();
  });

  it('never splits a surrogate pair', () => {
    const before = 'a\uD83D\uDE00b';
    const after = 'a\uD83D\uDE01b';
    const edit = minimalEdit('f', before, after)!;
    expect(edit.span).toEqual({ start: 1, end: 3 });
    expect(applyEdits(before, [edit]).text).toBe(after);
  });
});

describe('settings', () => {
  it('reads nested and flat per-rule severities and ignores unknown ids and values', () => {
    const s = parseServerSettings({ severity: { 'syntax-error': 'off', 'no-such-rule': 'off', 'unresolved-include': 'loud' }, 'severity.deprecated-api': 'error', python: '3.11', accelerator: 'rocm', run: 'onSave' });
    expect(s.engine.severity).toEqual({ 'syntax-error': 'off', 'deprecated-api': 'error' });
    expect(s.engine.python).toBe('3.11');
    expect(s.engine.accelerator).toBe('rocm');
    expect(s.run).toBe('onSave');
  });

  it('falls back to defaults on null, garbage, or "default"', () => {
    for (const raw of [null, undefined, 42, 'x', [], { enable: 'yes', python: '3', severity: { 'syntax-error': 'default' } }]) {
      const s = parseServerSettings(raw);
      expect(s.enable).toBe(true);
      expect(s.engine.python).toBeUndefined();
      expect(s.engine.severity).toEqual({});
    }
  });
});
