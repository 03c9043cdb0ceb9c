import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  computeHash,
  fnv32a,
  fnv32aUtf8,
  safeEncodeString,
  utf8Bytes,
} from './pod-template-hash';

const template = (image: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image }], ...extra },
});

describe('pod-template-hash', () => {
  it('FNV-32a matches the published test vectors', () => {
    expect(fnv32a(utf8Bytes(''))).toBe(0x811c9dc5);
    expect(fnv32a(utf8Bytes('a'))).toBe(0xe40c292c);
    expect(fnv32a(utf8Bytes('foobar'))).toBe(0xbf9cf968);
  });

  it.each([
    '',
    'a',
    'foobar',
    '{"spec":{"containers":[{"image":"nginx:1.25","name":"web"}]}}',
    'café ∑ 日本',
    '😀 surrogate pair',
    'lone \ud800 high and \udc00 low',
    'end high \ud83d',
  ])('FNV-32a of the UTF-8 streamed from %j is that of utf8Bytes', (s) => {
    expect(fnv32aUtf8(s)).toBe(fnv32a(utf8Bytes(s)));
    expect(fnv32aUtf8(s, 12345)).toBe(fnv32a(utf8Bytes(s), 12345));
  });

  it('SafeEncodeString maps decimal digits onto {4,5,6,7,8,9,b,c,d,f} (§6.4)', () => {
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
    expect(safeEncodeString('1234567890')).toBe('56789bcdf4');
  });

  it.each([
    ['nginx:1.14'],
    ['nginx:1.16'],
    ['httpd:2.4'],
    ['registry.k8s.io/coredns/coredns:v1.11.1'],
  ])('hash of a template with %s uses the real alphabet and length', (image) => {
    const h = computeHash(template(image));
    expect(h).toMatch(/^[456789bcdf]{8,10}$/);
  });

  it('is stable for identical templates, whatever the key order or empty fields', () => {
    const a = computeHash(template('nginx:1.14'));
    const b = computeHash({
      spec: { volumes: [], containers: [{ image: 'nginx:1.14', name: 'web' }] },
      metadata: { annotations: {}, labels: { app: 'web' } },
    });
    expect(b).toBe(a);
    expect(canonicalJson({ b: 1, a: [1, { d: null, c: 'x' }] })).toBe('{"a":[1,{"c":"x"}],"b":1}');
  });

  it('differs for different templates and for a collision count', () => {
    const a = computeHash(template('nginx:1.14'));
    expect(computeHash(template('nginx:1.16'))).not.toBe(a);
    expect(computeHash(template('nginx:1.14'), 1)).not.toBe(a);
    expect(computeHash(template('nginx:1.14'), 1)).not.toBe(computeHash(template('nginx:1.14'), 2));
    expect(computeHash(template('nginx:1.14'), 1)).toBe(computeHash(template('nginx:1.14'), 1));
  });
});
