// Locks of 10,000 packages (a monorepo's uv.lock, a data platform's poetry.lock) are read and judged
// in bounded time; the per-test timeout (shared 2-core machine) is the bound, the findings the result.
import { describe, expect, it } from 'vitest';
import { check } from '../support/analyze';

const timeout = 30_000;
const count = 10_000;
const wheel = (name: string, i: number) =>
  `    { url = "https://files.pythonhosted.org/packages/${(i % 97).toString(16).padStart(2, '0')}/${name}-1.${i}.0-py3-none-any.whl", hash = "sha256:${'ab'.repeat(32)}", size = ${1000 + i} },`;

describe('10,000-package locks', () => {
  it('uv.lock with forks: each torchvision fork judged against its own torch, nothing compared across forks', () => {
    const parts = ['version = 1', 'revision = 3', 'requires-python = ">=3.10"', ''];
    for (let i = 0; i < count; i++) {
      const name = `pkg-${i}`;
      parts.push('[[package]]', `name = "${name}"`, `version = "1.${i}.0"`, 'source = { registry = "https://pypi.org/simple" }', 'wheels = [', wheel(name, i), ']', '');
    }
    const fork = (name: string, version: string, marker: string) => parts.push('[[package]]', `name = "${name}"`, `version = "${version}"`, 'source = { registry = "https://pypi.org/simple" }', `resolution-markers = ["${marker}"]`, '');
    fork('torch', '2.3.1', "sys_platform == 'linux'");
    fork('torch', '2.2.2', "sys_platform != 'linux'");
    fork('torchvision', '0.18.1', "sys_platform == 'linux'");
    fork('torchvision', '0.18.1', "sys_platform != 'linux'"); // does not fit torch 2.2.2
    const text = parts.join('\n');
    const findings = check({ 'uv.lock': text }).filter((f) => f.ruleId !== 'python-version-unsupported');
    expect(findings.map((f) => [f.ruleId, text.slice(f.span.start, f.span.end)])).toEqual([['torch-family-mismatch', '0.18.1']]);
    expect(findings[0]!.span.start).toBeGreaterThan(text.lastIndexOf('name = "torchvision"'));
  }, timeout);

  it('poetry.lock with groups: each group an environment over main, within the pin budget or a note saying what was left', () => {
    const parts: string[] = [];
    for (let i = 0; i < count; i++) {
      const group = i % 10 === 0 ? `["group-${i % 7}"]` : '["main"]';
      parts.push('[[package]]', `name = "pkg-${i}"`, `version = "1.${i}.0"`, 'optional = false', 'python-versions = ">=3.8"', `groups = ${group}`, 'files = []', '');
    }
    parts.push('[[package]]', 'name = "torch"', 'version = "2.3.1"', 'optional = false', 'python-versions = ">=3.8"', 'groups = ["main"]', 'files = []', '');
    parts.push('[[package]]', 'name = "torchvision"', 'version = "0.17.0"', 'optional = false', 'python-versions = ">=3.8"', 'groups = ["group-3"]', 'files = []', '');
    parts.push('[metadata]', 'lock-version = "2.1"', 'python-versions = "^3.10"', 'content-hash = "00"');
    const text = parts.join('\n');
    const findings = check({ 'poetry.lock': text });
    const rules = findings.map((f) => f.ruleId);
    // 9,000 main packages in each of 7 groups' environments pass the 25,000-pin budget: reported, not silent.
    expect(rules).toContain('syntax-error');
    const note = findings.find((f) => f.ruleId === 'syntax-error');
    expect(note?.level).toBe('note');
    expect(note?.message).toMatch(/^Not checked: \d+ of the 7 extras and dependency groups of this file/);
  }, timeout);

  it('Pipfile.lock of 10,000 packages with hashes', () => {
    const entries = Array.from(
      { length: count },
      (_, i) => `        "pkg-${i}": {\n            "hashes": [\n                "sha256:${'0f'.repeat(32)}"\n            ],\n            "index": "pypi",\n            "version": "==1.${i}.0"\n        }`,
    );
    entries.push('        "numpy": {\n            "version": "==2.1.0"\n        }', '        "torch": {\n            "version": "==2.1.2"\n        }');
    const text = `{\n    "_meta": {"requires": {"python_version": "3.11"}, "sources": [{"name": "pypi", "url": "https://pypi.org/simple", "verify_ssl": true}]},\n    "default": {\n${entries.join(',\n')}\n    },\n    "develop": {}\n}\n`;
    const findings = check({ 'Pipfile.lock': text });
    expect(findings.map((f) => [f.ruleId, text.slice(f.span.start, f.span.end)])).toEqual([['numpy-abi-mismatch', '"numpy"']]);
  }, timeout);
});
