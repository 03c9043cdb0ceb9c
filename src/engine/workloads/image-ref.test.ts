import { describe, expect, it } from 'vitest';
import { defaultPullPolicy, invalidImageNameMessage, parseImageRef } from './image-ref';

const DIGEST = 'sha256:' + 'ab'.repeat(32);

describe('parseImageRef (distribution/reference ParseNormalizedNamed)', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx:latest', 'docker.io', 'library/nginx', 'latest', true],
    ['nginx:1.25', 'docker.io/library/nginx:1.25', 'docker.io', 'library/nginx', '1.25', true],
    [
      'busybox:1.28.4',
      'docker.io/library/busybox:1.28.4',
      'docker.io',
      'library/busybox',
      '1.28.4',
      true,
    ],
    [
      '3199560936/httpd:v0.4',
      'docker.io/3199560936/httpd:v0.4',
      'docker.io',
      '3199560936/httpd',
      'v0.4',
      false,
    ],
    ['httpd:v0.4', 'docker.io/library/httpd:v0.4', 'docker.io', 'library/httpd', 'v0.4', true],
    ['myorg/app:1.0', 'docker.io/myorg/app:1.0', 'docker.io', 'myorg/app', '1.0', false],
    [
      'docker.io/nginx',
      'docker.io/library/nginx:latest',
      'docker.io',
      'library/nginx',
      'latest',
      true,
    ],
    [
      'index.docker.io/library/redis:7',
      'docker.io/library/redis:7',
      'docker.io',
      'library/redis',
      '7',
      true,
    ],
    [
      'registry.k8s.io/coredns/coredns:v1.11.1',
      'registry.k8s.io/coredns/coredns:v1.11.1',
      'registry.k8s.io',
      'coredns/coredns',
      'v1.11.1',
      false,
    ],
    ['localhost:5000/app', 'localhost:5000/app:latest', 'localhost:5000', 'app', 'latest', false],
    ['localhost/app:v1', 'localhost/app:v1', 'localhost', 'app', 'v1', false],
    [
      'gcr.io/google-samples/hello-app:1.0',
      'gcr.io/google-samples/hello-app:1.0',
      'gcr.io',
      'google-samples/hello-app',
      '1.0',
      false,
    ],
    [
      'my_org/my-app__x:TAG_1',
      'docker.io/my_org/my-app__x:TAG_1',
      'docker.io',
      'my_org/my-app__x',
      'TAG_1',
      false,
    ],
  ])('%s → %s', (raw, normalized, domain, path, tag, official) => {
    const r = parseImageRef(raw);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.ref.normalized).toBe(normalized);
    expect(r.ref.domain).toBe(domain);
    expect(r.ref.path).toBe(path);
    expect(r.ref.tag).toBe(tag);
    expect(r.ref.official).toBe(official);
  });

  it('keeps digests and applies no default tag to them', () => {
    const r = parseImageRef(`nginx@${DIGEST}`);
    expect(r.ok && r.ref.normalized).toBe(`docker.io/library/nginx@${DIGEST}`);
    expect(r.ok && r.ref.tag).toBe(undefined);
    expect(r.ok && r.ref.tagDefaulted).toBe(false);
    const both = parseImageRef(`nginx:1.25@${DIGEST}`);
    expect(both.ok && both.ref.normalized).toBe(`docker.io/library/nginx:1.25@${DIGEST}`);
  });

  it('marks only a missing tag as defaulted', () => {
    const bare = parseImageRef('nginx');
    const latest = parseImageRef('nginx:latest');
    expect(bare.ok && bare.ref.tagDefaulted).toBe(true);
    expect(latest.ok && latest.ref.tagDefaulted).toBe(false);
  });

  it.each([
    ['Nginx', 'invalid reference format: repository name (library/Nginx) must be lowercase'],
    [
      'myorg/MyApp:1.0',
      'invalid reference format: repository name (myorg/MyApp) must be lowercase',
    ],
    ['nginx:', 'invalid reference format'],
    ['nginx latest', 'invalid reference format'],
    [' nginx', 'invalid reference format'],
    ['nginx::1', 'invalid reference format'],
    ['-nginx', 'invalid reference format'],
    ['nginx:-1', 'invalid reference format'],
    ['nginx@sha256:abc', 'invalid reference format'],
    [
      'a'.repeat(64),
      `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`,
    ],
  ])('rejects %j: %s', (raw, error) => {
    expect(parseImageRef(raw)).toEqual({ ok: false, error });
  });

  it('treats an upper-case first segment as a registry host, as docker does', () => {
    const r = parseImageRef('MyRegistry/app');
    expect(r.ok && r.ref.domain).toBe('MyRegistry');
  });

  it('words the kubelet InvalidImageName message', () => {
    expect(invalidImageNameMessage('nginx:', 'invalid reference format')).toBe(
      'Failed to apply default image tag "nginx:": couldn\'t parse image name "nginx:": invalid reference format',
    );
  });

  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    [`nginx@${DIGEST}`, 'IfNotPresent'],
  ])('default imagePullPolicy of %s is %s', (image, policy) => {
    expect(defaultPullPolicy(image)).toBe(policy);
  });
});
