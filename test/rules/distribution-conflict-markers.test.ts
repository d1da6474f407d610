// The marker and range logic behind the conflict rules, exercised directly.
import { describe, expect, it } from 'vitest';
import {
  allowsAtOrAbove,
  markersCanCoexist,
  parseMarker,
  rangeAllows,
  rangeOf,
  rangeWithin,
} from '../../server/src/engine/rules/support/conflicts';

describe('markersCanCoexist over platform × machine × python', () => {
  it.each([
    ['sys_platform == "darwin"', 'sys_platform != "darwin"'],
    ["platform_machine == 'arm64'", "platform_machine == 'x86_64'"],
    ['python_version < "3.10"', 'python_version >= "3.10"'],
    ['platform_system == "Windows"', 'os_name == "posix"'],
    ['sys_platform == "darwin" and platform_machine == "arm64"', 'sys_platform == "win32" or sys_platform == "linux"'],
    ['sys_platform == "darwin" and platform_machine == "arm64" or sys_platform == "linux"', 'sys_platform == "darwin" and platform_machine == "x86_64"'],
    ['"linux" in sys_platform', 'sys_platform == "win32"'],
  ])('%s / %s are exclusive', (a, b) => {
    expect(markersCanCoexist([a, b])).toBe(false);
  });
  it.each([
    ['sys_platform == "darwin"', 'platform_machine == "arm64"'],
    ['python_version >= "3.9"', 'python_version < "3.11"'],
    ['sys_platform != "darwin"', 'platform_machine == "x86_64"'],
    ['extra == "gpu"', 'sys_platform == "linux"'],
    [null, 'sys_platform == "linux"'],
    ['this is not a marker', 'sys_platform == "linux"'],
  ])('%s / %s can coexist', (a, b) => {
    expect(markersCanCoexist([a, b])).toBe(true);
  });
  it('restricts the grid to one Python', () => {
    expect(markersCanCoexist(['python_version < "3.11"'], '3.12')).toBe(false);
    expect(markersCanCoexist(['python_version < "3.11"'], '3.10')).toBe(true);
  });
  it('never throws or hangs on hostile input', () => {
    for (const text of ['(((((', '"', 'a == ', '('.repeat(5000) + 'a=="b"' + ')'.repeat(5000), 'and or', '\u0000\uffff']) {
      expect(() => markersCanCoexist([text, 'sys_platform == "linux"'])).not.toThrow();
    }
    expect(parseMarker('(' .repeat(500) + 'os_name == "nt"' + ')'.repeat(500))).toBeNull();
  });
});

describe('version ranges', () => {
  it('reads clauses like pip', () => {
    expect(allowsAtOrAbove(rangeOf('>=1.24.0'), '2.0.0')).toBe(true);
    expect(allowsAtOrAbove(rangeOf('>=1.24.0,<2'), '2.0.0')).toBe(false);
    expect(allowsAtOrAbove(rangeOf('<=2.0.0'), '2.0.0')).toBe(true);
    expect(allowsAtOrAbove(rangeOf('==1.26.*'), '2.0.0')).toBe(false);
    expect(allowsAtOrAbove(rangeOf('~=1.26'), '2.0.0')).toBe(false);
    expect(allowsAtOrAbove(rangeOf('~=1.26.0'), '1.27.0')).toBe(false);
    expect(rangeAllows(rangeOf('==2.2.0+cu121'), '2.2.0')).toBe(true);
    expect(rangeOf('>=2,<1').empty).toBe(true);
    expect(rangeOf('==1.0,!=1.0').empty).toBe(true);
    expect(rangeWithin(rangeOf('==2.12.0'), rangeOf('==2.12.0'))).toBe(true);
    expect(rangeWithin(rangeOf('>=2.12'), rangeOf('==2.12.0'))).toBe(false);
    expect(rangeAllows(rangeOf('>=1.22,<1.24'), '1.24.3')).toBe(false);
  });
  it('ignores what it cannot read instead of throwing', () => {
    expect(() => rangeOf('>=not-a-version,<<<,===')).not.toThrow();
    expect(rangeOf('>=not-a-version').empty).toBe(false);
  });
});
