/**
 * Docker image references, parsed the way the kubelet and containerd parse them.
 *
 * Models github.com/distribution/reference (normalize.go ParseNormalizedNamed, splitDockerDomain;
 * regexp.go ReferenceRegexp) and the kubelet's use of it in pkg/kubelet/images/image_manager.go
 * applyDefaultImageTag / pkg/util/parsers ParseImageName:
 *
 *   nginx                      → docker.io/library/nginx:latest
 *   3199560936/httpd:v0.4      → docker.io/3199560936/httpd:v0.4
 *   registry.k8s.io/coredns/coredns:v1.11.1 (unchanged)
 *   localhost:5000/app         → localhost:5000/app:latest
 *   nginx@sha256:<64 hex>      → docker.io/library/nginx@sha256:<64 hex> (no default tag)
 *
 * A reference that fails the grammar gives the exact error text the kubelet puts in the
 * container's `InvalidImageName` waiting message.
 */

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
const NAME_TOTAL_LENGTH_MAX = 255;

// ---- the grammar (distribution/reference regexp.go), as JavaScript regular expressions ----
const ALPHANUMERIC = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN = `(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const REFERENCE_RE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_IDENTIFIER_RE = /^[a-f0-9]{64}$/;

export interface ImageRef {
  /** The reference exactly as the pod spec wrote it (what kubelet events quote). */
  readonly raw: string;
  /** Registry host (and port): `docker.io`, `registry.k8s.io`, `localhost:5000`. */
  readonly domain: string;
  /** Repository path inside the registry: `library/nginx`, `3199560936/httpd`, `coredns/coredns`. */
  readonly path: string;
  /** The tag; `latest` when neither a tag nor a digest was written. */
  readonly tag?: string;
  /** True when the tag was filled in (`nginx` → `nginx:latest`). */
  readonly tagDefaulted: boolean;
  /** `sha256:<hex>` when the reference pins a digest. */
  readonly digest?: string;
  /** `docker.io/library/nginx`: domain + path. */
  readonly repository: string;
  /** containerd's fully qualified name: `docker.io/library/nginx:latest` (what containerStatuses[].image shows). */
  readonly normalized: string;
  /** The last path segment: `nginx`, `httpd`, `coredns`. */
  readonly lastSegment: string;
  /** True for Docker Hub official images (`docker.io/library/<name>`). */
  readonly official: boolean;
}

export type ImageRefResult = { ok: true; ref: ImageRef } | { ok: false; error: string };

/**
 * Parse like reference.ParseNormalizedNamed and apply the default tag as the kubelet does.
 * On failure `error` is the Go error text (`invalid reference format`, ...).
 */
export function parseImageRef(raw: string): ImageRefResult {
  let r = cache.get(raw);
  if (!r) {
    r = parse(raw);
    if (cache.size > 10_000) cache.clear();
    cache.set(raw, r);
  }
  return r;
}
// Results are immutable and the same few images recur across thousands of pods.
const cache = new Map<string, ImageRefResult>();

function parse(raw: string): ImageRefResult {
  if (ANCHORED_IDENTIFIER_RE.test(raw)) {
    return {
      ok: false,
      error: `invalid repository name (${raw}), cannot specify 64-byte hexadecimal strings`,
    };
  }
  const [domain, remainder] = splitDockerDomain(raw);
  const tagSep = remainder.indexOf(':');
  const remote = tagSep >= 0 ? remainder.slice(0, tagSep) : remainder;
  if (remote.toLowerCase() !== remote) {
    return {
      ok: false,
      error: `invalid reference format: repository name (${remote}) must be lowercase`,
    };
  }
  const full = `${domain}/${remainder}`;
  const m = REFERENCE_RE.exec(full);
  if (!m) return { ok: false, error: 'invalid reference format' };
  const name = m[1] ?? '';
  if (name.length > NAME_TOTAL_LENGTH_MAX) {
    return {
      ok: false,
      error: `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`,
    };
  }
  const path = name.slice(domain.length + 1);
  const digest = m[3];
  const explicitTag = m[2];
  const tag = explicitTag ?? (digest ? undefined : 'latest');
  const repository = `${domain}/${path}`;
  const normalized =
    repository + (tag !== undefined ? `:${tag}` : '') + (digest ? `@${digest}` : '');
  const segments = path.split('/');
  const ref: ImageRef = {
    raw,
    domain,
    path,
    ...(tag !== undefined ? { tag } : {}),
    tagDefaulted: explicitTag === undefined && digest === undefined,
    ...(digest ? { digest } : {}),
    repository,
    normalized,
    lastSegment: segments[segments.length - 1] ?? path,
    official: domain === DEFAULT_DOMAIN && path.startsWith(OFFICIAL_REPO_PREFIX),
  };
  return { ok: true, ref };
}

/** The domain / remote-name split of distribution/reference normalize.go splitDockerDomain. */
function splitDockerDomain(name: string): [domain: string, remainder: string] {
  const i = name.indexOf('/');
  if (i < 0) return [DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX + name];
  const maybeDomain = name.slice(0, i);
  const maybeRemote = name.slice(i + 1);
  let domain: string;
  let remote: string;
  if (maybeDomain === 'localhost') [domain, remote] = [maybeDomain, maybeRemote];
  else if (maybeDomain === LEGACY_DEFAULT_DOMAIN) [domain, remote] = [DEFAULT_DOMAIN, maybeRemote];
  else if (/[.:]/.test(maybeDomain)) [domain, remote] = [maybeDomain, maybeRemote];
  // Docker Hub namespaces are lower case, so an upper-case first segment must be a host name.
  else if (maybeDomain.toLowerCase() !== maybeDomain) [domain, remote] = [maybeDomain, maybeRemote];
  else [domain, remote] = [DEFAULT_DOMAIN, name];
  if (domain === DEFAULT_DOMAIN && !remote.includes('/')) remote = OFFICIAL_REPO_PREFIX + remote;
  return [domain, remote];
}

/**
 * The kubelet's message for an unparsable image (image_manager.go EnsureImageExists →
 * applyDefaultImageTag → parsers.ParseImageName); it becomes the InvalidImageName waiting message.
 */
export function invalidImageNameMessage(raw: string, error: string): string {
  return `Failed to apply default image tag "${raw}": couldn't parse image name "${raw}": ${error}`;
}

/**
 * The API server's default imagePullPolicy (pkg/apis/core/v1/defaults.go SetDefaults_Container):
 * Always for `:latest` or an untagged, undigested image; IfNotPresent otherwise.
 */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const r = parseImageRef(image);
  if (!r.ok) return 'IfNotPresent';
  return defaultPullPolicyOf(r.ref);
}

/** defaultPullPolicy for an image already parsed. */
export function defaultPullPolicyOf(ref: ImageRef): 'Always' | 'IfNotPresent' {
  return ref.tag === 'latest' && !ref.digest ? 'Always' : 'IfNotPresent';
}
