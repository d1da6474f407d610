import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonMember, jsonStringMember, jsonStringText, parseJson, type JsonValue } from '../../server/src/engine/parsers/json';
import { mapSpan } from '../../server/src/engine/parsers/pyproject';

/** The plain value a node stands for, to compare with JSON.parse. */
function plain(node: JsonValue): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const m of node.members) Object.defineProperty(out, m.key.value, { value: plain(m.value), enumerable: true, configurable: true, writable: true });
      return out;
    }
    case 'array':
      return node.elements.map(plain);
    default:
      return node.value;
  }
}

/** Every span nested in a node, to check they lie inside their parents. */
function spans(node: JsonValue, text: string, out: string[] = []): string[] {
  out.push(text.slice(node.span.start, node.span.end));
  if (node.type === 'object') for (const m of node.members) (out.push(text.slice(m.key.span.start, m.key.span.end)), spans(m.value, text, out));
  if (node.type === 'array') for (const e of node.elements) spans(e, text, out);
  return out;
}

describe('parseJson', () => {
  it('reads what JSON.parse reads, with each value at its written place', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 4 }), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        const parsed = parseJson(text);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(plain(parsed.value)).toEqual(JSON.parse(text));
        for (const written of spans(parsed.value, text)) expect(() => JSON.parse(written)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('rejects what JSON.parse rejects', () => {
    const bad = ['', '{', '[1,]', '{"a":1,}', '{"a" 1}', "{'a':1}", '[1 2]', '01', '1.', '"\\x"', '"a\nb"', 'tru', '{} {}', 'NaN', '[', '{"a":', '"\\u12g4"', '{,}', '[,1]', '-'];
    for (const text of bad) {
      const parsed = parseJson(text);
      expect(() => JSON.parse(text), text).toThrow();
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.error.offset).toBeLessThanOrEqual(text.length);
    }
  });

  it('says where the text stops being JSON', () => {
    const text = '{\n  "_meta": {"hash": {"sha256": "ab"}},\n  "default": {"torch": {"version": "==2.1.2",}}\n}';
    const parsed = parseJson(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(text.slice(parsed.error.offset)).toMatch(/^\}\}/);
    expect(parsed.error.message).toMatch(/property name/);
  });

  it('finds members and maps string characters through escapes (non-ASCII text before them)', () => {
    const text = '{"näme": "café", "version": "==2.1.2\\u002bcu118", "markers": "sys_platform == \\"linux\\""}';
    const parsed = parseJson(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(jsonStringMember(parsed.value, 'näme')?.value).toBe('café');
    expect(jsonMember(parsed.value, 'absent')).toBeUndefined();
    const version = jsonStringText(text, jsonStringMember(parsed.value, 'version')!);
    expect(version.text).toBe('==2.1.2+cu118');
    // `+` is written as an escape: the local tag maps onto the escape and what follows.
    expect(text.slice(mapSpan(version, { start: 2, end: 13 }).start, mapSpan(version, { start: 2, end: 13 }).end)).toBe('2.1.2\\u002bcu118');
    const marker = jsonStringText(text, jsonStringMember(parsed.value, 'markers')!);
    expect(marker.text).toBe('sys_platform == "linux"');
    const linux = marker.text.indexOf('linux');
    expect(text.slice(mapSpan(marker, { start: linux, end: linux + 5 }).start, mapSpan(marker, { start: linux, end: linux + 5 }).end)).toBe('linux');
    expect(text.slice(marker.whole.start, marker.whole.end)).toBe('sys_platform == \\"linux\\"');
  });

  it('takes the last of repeated keys, as JSON.parse does', () => {
    const parsed = parseJson('{"a": 1, "a": 2}');
    expect(parsed.ok && jsonMember(parsed.value, 'a')).toMatchObject({ value: 2 });
  });

  it('skips a byte order mark and keeps offsets in the text as given', () => {
    const text = '\ufeff{"a": "b"}';
    const parsed = parseJson(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(jsonStringMember(parsed.value, 'a')!.span).toEqual({ start: 7, end: 10 });
  });

  it('reads nesting far past the call stack, without recursion', () => {
    const depth = 200_000;
    const text = '['.repeat(depth) + ']'.repeat(depth);
    const parsed = parseJson(text);
    expect(parsed.ok).toBe(true);
    const unclosed = parseJson('{"a":'.repeat(depth));
    expect(unclosed.ok).toBe(false);
  });

  it('reads a few megabytes in bounded time', () => {
    const entries = Array.from({ length: 20_000 }, (_, i) => `"pkg-${i}": {"hashes": ["sha256:${'0'.repeat(64)}"], "version": "==1.${i}.0"}`);
    const text = `{"default": {${entries.join(',\n')}}}`;
    const started = Date.now();
    const parsed = parseJson(text);
    expect(parsed.ok).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
