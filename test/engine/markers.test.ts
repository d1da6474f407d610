import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  evaluateMarker,
  formatMarker,
  markerCanHold,
  markerEnvironment,
  markersCanCoexist,
  parseMarker,
  type MarkerEnvironment,
  type MarkerNode,
} from '../../server/src/engine/markers';
import { cpythonMinors } from '../../server/src/engine/kb/python';
import { kb } from '../support/analyze';

const pythons = cpythonMinors(kb);

function parsed(text: string, offset = 0): MarkerNode {
  const r = parseMarker(text, offset);
  if (!r.ok) throw new Error(`unexpected parse error: ${r.message}`);
  return r.marker;
}

function evaluate(text: string, env: Partial<MarkerEnvironment>): boolean | null {
  return evaluateMarker(parsed(text), env);
}

describe('parseMarker', () => {
  it('builds an AST with file-relative spans, and precedence of and over or', () => {
    const text = 'os_name == "posix" or python_version >= \'3.9\' and sys.platform != "win32"';
    const m = parsed(text, 100);
    expect(m.kind).toBe('or');
    if (m.kind !== 'or') return;
    expect(m.items[1]!.kind).toBe('and');
    const first = m.items[0]!;
    expect(first.kind === 'compare' && [first.left, first.op, first.opSpan, first.right]).toEqual([
      { kind: 'variable', name: 'os_name', raw: 'os_name', span: { start: 100, end: 107 } },
      '==',
      { start: 108, end: 110 },
      { kind: 'string', value: 'posix', span: { start: 111, end: 118 } },
    ]);
    expect(m.span).toEqual({ start: 100, end: 100 + text.length });
    expect(formatMarker(m)).toBe('os_name == "posix" or python_version >= "3.9" and sys_platform != "win32"');
  });

  it('keeps spans exact after non-ASCII text (UTF-16 offsets)', () => {
    const text = 'platform_version == "é日本" and os_name == "nt"';
    const m = parsed(text);
    expect(m.kind === 'and' && m.items[1]!.span).toEqual({ start: text.indexOf('os_name'), end: text.length });
  });

  it('keeps parentheses as group nodes', () => {
    const m = parsed('(sys_platform == "linux" and platform_machine == "x86_64") or sys_platform == "win32"');
    expect(m.kind === 'or' && m.items[0]!.kind).toBe('group');
    expect(formatMarker(m)).toBe('(sys_platform == "linux" and platform_machine == "x86_64") or sys_platform == "win32"');
  });

  it.each([
    ['python_version', 'Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in', 14],
    ['os_name == "a" and', 'Expected a marker variable or quoted string', 18],
    ['unknown_var == "1"', 'Expected a marker variable or quoted string', 0],
    ['(os_name == "a"', 'Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after marker expression', 0],
    ['os_name == "C:\\"', 'Invalid quoted string', 11],
    ["'3.7' not python_version", "Expected 'in' after 'not'", 10],
    ['os_name == "a" garbage', 'Expected end of marker expression', 15],
  ])('rejects %s: %s', (text, message, start) => {
    const r = parseMarker(text, 0);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toBe(message);
    expect(r.span.start).toBe(start);
  });

  it('never throws, on any input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const r = parseMarker(s);
        if (r.ok) evaluateMarker(r.marker, {});
      }),
      { numRuns: 1000 },
    );
    expect(parseMarker('('.repeat(100_000)).ok).toBe(false);
    expect(parseMarker('os_name == "a" and '.repeat(10_000) + 'os_name == "a"').ok).toBe(true);
  });
});

describe('evaluateMarker', () => {
  const linux311 = markerEnvironment({ python: '3.11', platform: 'linux' });

  it('compares python_version as a version, not as text', () => {
    expect(evaluate('python_version >= "3.9"', linux311)).toBe(true);
    expect(evaluate('python_version < "3.10"', linux311)).toBe(false);
    expect(evaluate('"3.8" < python_version', linux311)).toBe(true);
    expect(evaluate('python_full_version >= "3.11.0"', linux311)).toBe(true);
  });

  it('handles in / not in, extras normalisation and string comparisons', () => {
    expect(evaluate('"linux" in sys_platform', linux311)).toBe(true);
    expect(evaluate('"win" not in sys_platform', linux311)).toBe(true);
    expect(evaluate('extra == "Foo_Bar"', { extra: 'foo-bar' })).toBe(true);
    expect(evaluate('extra == "cuda"', { extra: 'cpu' })).toBe(false);
    expect(evaluate('"gpu" in extras', { extras: ['GPU'] })).toBe(true);
    expect(evaluate('platform_machine < "z"', linux311)).toBe(false);
  });

  it('is null when the answer depends on a variable not given, with three-valued and/or', () => {
    expect(evaluate('python_version >= "3.9"', { sys_platform: 'linux' })).toBeNull();
    expect(evaluate('sys_platform == "win32" and python_version < "3.9"', { sys_platform: 'linux' })).toBe(false);
    expect(evaluate('sys_platform == "linux" or python_version < "3.9"', { sys_platform: 'linux' })).toBe(true);
    expect(evaluate('sys_platform == "linux" and python_version < "3.9"', { sys_platform: 'linux' })).toBeNull();
    expect(evaluate('extra == "gpu"', linux311)).toBeNull();
  });
});

describe('markerEnvironment', () => {
  it('fills the PEP 508 variables for a platform and Python', () => {
    expect(markerEnvironment({ python: '3.12', platform: 'win32' })).toEqual({
      python_version: '3.12',
      python_full_version: '3.12.0',
      sys_platform: 'win32',
      platform_system: 'Windows',
      os_name: 'nt',
      platform_machine: 'AMD64',
      implementation_name: 'cpython',
      platform_python_implementation: 'CPython',
      implementation_version: '3.12.0',
    });
    expect(markerEnvironment({ platform: 'darwin', machine: 'x86_64' })).toMatchObject({
      sys_platform: 'darwin',
      platform_system: 'Darwin',
      os_name: 'posix',
      platform_machine: 'x86_64',
    });
    expect(markerEnvironment({ python: '3.10.14' }).python_full_version).toBe('3.10.14');
  });
});

describe('markersCanCoexist', () => {
  it.each([
    ['sys_platform == "darwin"', 'sys_platform != "darwin"', false],
    ['platform_system == "Darwin"', 'sys_platform == "darwin"', true],
    ['platform_system == "Windows"', 'os_name == "posix"', false],
    ['python_version < "3.10"', 'python_version >= "3.10"', false],
    ['python_version < "3.10"', 'python_version >= "3.9"', true],
    ['platform_machine == "aarch64"', 'sys_platform == "darwin"', false],
    ['platform_machine == "arm64"', 'sys_platform == "darwin"', true],
    ['implementation_name == "pypy"', 'sys_platform == "linux"', true],
    ['extra == "cpu"', 'extra == "gpu"', true],
    [null, 'sys_platform == "win32"', true],
    ['sys_platform == "never"', null, false],
    ['not a marker ((', 'sys_platform == "win32"', true],
  ] as const)('%s / %s → %s', (a, b, expected) => {
    expect(markersCanCoexist(a, b, pythons)).toBe(expected);
    expect(markersCanCoexist(b, a, pythons)).toBe(expected);
  });

  it('tells whether one marker can hold at all', () => {
    expect(markerCanHold('sys_platform == "linux" and sys_platform == "win32"', pythons)).toBe(false);
    expect(markerCanHold('python_version >= "3.9"', pythons)).toBe(true);
  });

  it('decides over the CPython minors of rules/python.yaml, and says "may hold" without any', () => {
    expect(pythons).toContain('3.15');
    expect(markerCanHold('python_version >= "3.15"', pythons)).toBe(true);
    expect(markerCanHold('python_version >= "3.15"', ['3.8', '3.14'])).toBe(false);
    expect(markerCanHold('python_version < "3.8"', pythons)).toBe(false);
    expect(markerCanHold('sys_platform == "never"', [])).toBe(true);
  });
});
