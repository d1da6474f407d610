// Set-level questions the conflict rules ask: can several markers hold in one install,
// and what a specifier set allows as a range.
import { describe, expect, it } from 'vitest';
import { cpythonMinors } from '../../server/src/engine/kb/python';
import { markersCanAllHold, parseMarker } from '../../server/src/engine/markers';
import {
  intersectRanges,
  rangeAllows,
  rangeReachesAtOrAbove,
  rangeReachesBelow,
  rangesOverlap,
  rangeWithin,
  versionRange,
} from '../../server/src/engine/versions';
import { kb } from '../support/analyze';

// The CPython minors of the knowledge base (rules/python.yaml).
const pythons = cpythonMinors(kb);

describe('markersCanAllHold over platform × machine × python', () => {
  it.each([
    ['sys_platform == "darwin"', 'sys_platform != "darwin"'],
    ["platform_machine == 'arm64'", "platform_machine == 'x86_64'"],
    ['python_version < "3.10"', 'python_version >= "3.10"'],
    ['platform_system == "Windows"', 'os_name == "posix"'],
    ['sys_platform == "darwin" and platform_machine == "arm64"', 'sys_platform == "win32" or sys_platform == "linux"'],
    ['sys_platform == "darwin" and platform_machine == "arm64" or sys_platform == "linux"', 'sys_platform == "darwin" and platform_machine == "x86_64"'],
    ['"linux" in sys_platform', 'sys_platform == "win32"'],
    ['python_full_version < "3.11.4"', 'python_version > "3.11"'],
  ])('%s / %s are exclusive', (a, b) => {
    expect(markersCanAllHold([a, b], { pythons })).toBe(false);
  });
  it.each([
    ['sys_platform == "darwin"', 'platform_machine == "arm64"'],
    ['python_version >= "3.9"', 'python_version < "3.11"'],
    ['sys_platform != "darwin"', 'platform_machine == "x86_64"'],
    ['extra == "gpu"', 'sys_platform == "linux"'],
    [null, 'sys_platform == "linux"'],
    ['this is not a marker', 'sys_platform == "linux"'],
  ])('%s / %s can coexist', (a, b) => {
    expect(markersCanAllHold([a, b], { pythons })).toBe(true);
  });
  it('judges three markers at once', () => {
    expect(markersCanAllHold(['sys_platform == "linux"', 'platform_machine == "x86_64"', 'python_version >= "3.12"'], { pythons })).toBe(true);
    expect(markersCanAllHold(['sys_platform == "linux"', 'platform_machine == "x86_64"', 'sys_platform == "darwin"'], { pythons })).toBe(false);
    expect(markersCanAllHold([], { pythons })).toBe(true);
  });
  it('restricts the grid to one Python, also one outside the grid', () => {
    expect(markersCanAllHold(['python_version < "3.11"'], { python: '3.12', pythons })).toBe(false);
    expect(markersCanAllHold(['python_version < "3.11"'], { python: '3.10', pythons })).toBe(true);
    expect(markersCanAllHold(['python_version >= "3.15"'], { python: '3.15', pythons })).toBe(true);
    expect(markersCanAllHold(['python_version < "3.8"'], { python: '3.7', pythons })).toBe(true);
    expect(markersCanAllHold(['sys_platform == "linux"'], { python: 'not a version', pythons })).toBe(true);
  });
  it('never throws or hangs on hostile input', () => {
    for (const text of ['(((((', '"', 'a == ', '('.repeat(5000) + 'a=="b"' + ')'.repeat(5000), 'and or', '\u0000\uffff']) {
      expect(() => markersCanAllHold([text, 'sys_platform == "linux"'], { pythons })).not.toThrow();
    }
    expect(parseMarker('('.repeat(500) + 'os_name == "nt"' + ')'.repeat(500)).ok).toBe(false);
  });
});

describe('version ranges', () => {
  it('reads clauses like pip', () => {
    expect(rangeReachesAtOrAbove(versionRange('>=1.24.0'), '2.0.0')).toBe(true);
    expect(rangeReachesAtOrAbove(versionRange('>=1.24.0,<2'), '2.0.0')).toBe(false);
    expect(rangeReachesAtOrAbove(versionRange('<=2.0.0'), '2.0.0')).toBe(true);
    expect(rangeReachesAtOrAbove(versionRange('==1.26.*'), '2.0.0')).toBe(false);
    expect(rangeReachesAtOrAbove(versionRange('~=1.26'), '2.0.0')).toBe(false);
    expect(rangeReachesAtOrAbove(versionRange('~=1.26.0'), '1.27.0')).toBe(false);
    expect(rangeReachesAtOrAbove(versionRange('~=1.26.0'), '1.26.9')).toBe(true);
    expect(rangeAllows(versionRange('==2.2.0+cu121'), '2.2.0')).toBe(true);
    expect(rangeAllows(versionRange('==2.2.*'), '2.2.0rc1')).toBe(true);
    expect(rangeAllows(versionRange('==2.2.*'), '2.3.0.dev0')).toBe(false);
    expect(versionRange('>=2,<1').empty).toBe(true);
    expect(versionRange('==1.0,!=1.0').empty).toBe(true);
    expect(versionRange('==1.0,!=1.0.*').empty).toBe(false);
    expect(versionRange('>1.0,<=1.0').empty).toBe(true);
    expect(rangeWithin(versionRange('==2.12.0'), versionRange('==2.12.0'))).toBe(true);
    expect(rangeWithin(versionRange('>=2.12'), versionRange('==2.12.0'))).toBe(false);
    expect(rangeWithin(versionRange('==2.12.*'), versionRange('>=2.12,<2.13'))).toBe(false); // 2.12.0.dev0 is below 2.12
    expect(rangeAllows(versionRange('>=1.22,<1.24'), '1.24.3')).toBe(false);
    expect(rangeReachesBelow(versionRange('>=2.0'), '2.0.0')).toBe(false);
    expect(rangeReachesBelow(versionRange('>=1.26,<3'), '2.0.0')).toBe(true);
  });
  it('intersects and overlaps', () => {
    const numpy = intersectRanges(versionRange('>=1.24'), versionRange('<2'));
    expect(rangeReachesAtOrAbove(numpy, '2.0.0')).toBe(false);
    expect(rangesOverlap(versionRange('==1.24.3'), versionRange('>=1.22,<1.24'))).toBe(false);
    expect(rangesOverlap(versionRange('>=1.23'), versionRange('>=1.22,<1.24'))).toBe(true);
    expect(rangesOverlap(versionRange('<1.24'), versionRange('>=1.24'))).toBe(false);
    expect(rangesOverlap(versionRange('<=1.24'), versionRange('>=1.24'))).toBe(true);
  });
  it('ignores what it cannot read instead of throwing, never narrowing', () => {
    expect(() => versionRange('>=not-a-version,<<<,===')).not.toThrow();
    expect(versionRange('>=not-a-version').empty).toBe(false);
    expect(rangeReachesAtOrAbove(versionRange('>=1.0,<<<'), '9')).toBe(true);
    expect(rangeReachesAtOrAbove(versionRange('>=1.0, <2 ,garbage'), '2')).toBe(false);
    expect(rangeAllows(versionRange('>=1'), 'not-a-version')).toBe(false);
  });
});
