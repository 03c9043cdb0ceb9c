import { expect, test } from 'vitest';
import { goJsonString, toCompactJson, toJson } from './json';

test('MarshalIndent with 4 spaces, sorted keys, compact empty collections', () => {
  expect(
    toJson({
      kind: 'List',
      apiVersion: 'v1',
      items: [],
      metadata: { resourceVersion: '' },
      spec: { a: {}, b: [1, 'x', true, null] },
    }),
  ).toBe(`{
    "apiVersion": "v1",
    "items": [],
    "kind": "List",
    "metadata": {
        "resourceVersion": ""
    },
    "spec": {
        "a": {},
        "b": [
            1,
            "x",
            true,
            null
        ]
    }
}
`);
});

test.each<[string, string]>([
  ['plain', '"plain"'],
  ['<none> & more', '"\\u003cnone\\u003e \\u0026 more"'],
  ['quote " backslash \\', '"quote \\" backslash \\\\"'],
  ['line\nbreak\ttab\rret', '"line\\nbreak\\ttab\\rret"'],
  ['\x00\x1f\b\f', '"\\u0000\\u001f\\b\\f"'],
  ['\u2028\u2029', '"\\u2028\\u2029"'],
  ['ü', '"ü"'],
])('Go string escaping: %j', (s, out) => {
  expect(goJsonString(s)).toBe(out);
});

test('compact JSON sorts keys too', () => {
  expect(toCompactJson({ b: 1, a: { d: [1, 2], c: 'x' } })).toBe('{"a":{"c":"x","d":[1,2]},"b":1}');
});
