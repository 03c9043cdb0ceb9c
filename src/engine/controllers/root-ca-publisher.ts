/**
 * The root CA certificate publisher: every namespace gets a ConfigMap `kube-root-ca.crt` whose
 * `ca.crt` is the cluster CA (the certificate kubeadm put in /etc/kubernetes/pki/ca.crt), so
 * that pods can verify the API server. The ServiceAccount admission plugin projects it into every
 * pod at /var/run/secrets/kubernetes.io/serviceaccount/ca.crt.
 *
 * Models pkg/controller/certificates/rootcacertpublisher/publisher.go (v1.30): namespace adds
 * and updates, and changes to or deletion of a `kube-root-ca.crt` ConfigMap, queue the namespace;
 * syncNamespace creates the ConfigMap when missing (a namespace that is gone or terminating is
 * not retried), and puts `ca.crt` and the description annotation back when someone edited them.
 *
 * The certificate is made up but shaped like kubeadm's CA (client-go util/cert
 * NewSelfSignedCACert as kubeadm calls it): X.509 v3, CN=kubernetes, RSA 2048, valid for ten
 * years, keyUsage digitalSignature/keyEncipherment/keyCertSign, CA:TRUE, a subject key id and
 * DNS:kubernetes. Its serial, key, key id and signature are seeded bytes: it parses as a
 * certificate, but the signature does not verify (nothing in the simulation checks it).
 */
import type { ConfigMap, Namespace } from 'kubernetes-types/core/v1';
import { isApiError } from '../api/errors';
import type { KObject } from '../api/types';
import { deepClone } from '../api/types';
import type { ClusterContext } from '../context';
import { EPOCH_MS, formatTimestamp } from '../sim/clock';
import { rngFor } from '../sim/rng';
import type { Rng } from '../sim/rng';
import { keyFor } from './runner';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal ' +
  'endpoints such as the internal service IP or kubernetes.default.svc. ' +
  'No other usage is guaranteed across distributions of Kubernetes clusters.';
/** The controller-manager runs the publisher under this name (its service account too). */
const ACTOR = 'root-ca-cert-publisher';

type StoredConfigMap = ConfigMap & KObject;
type StoredNamespace = Namespace & KObject;

export function startRootCACertPublisher(ctx: ClusterContext): void {
  const { store } = ctx;
  const rootCA = clusterCACertificate(ctx.config.seed);
  const c = ctx.newController(ACTOR);
  // namespaceAdded / namespaceUpdated.
  c.watch('Namespace', (ev) => (ev.type === 'DELETED' ? undefined : keyFor(ev.object)));
  // configMapUpdated / configMapDeleted: only the one ConfigMap this controller owns.
  c.watch('ConfigMap', (ev) => {
    const cm = ev.object;
    if (ev.type === 'ADDED' || cm.metadata.name !== ROOT_CA_CONFIGMAP) return undefined;
    return cm.metadata.namespace;
  });

  // The informer's initial list: namespaces that exist before the controller starts.
  for (const ns of store.list('Namespace')) c.enqueue(keyFor(ns));

  // Models rootcacertpublisher/publisher.go syncNamespace.
  c.onReconcile((ns) => {
    const namespace = store.get<StoredNamespace>('Namespace', undefined, ns);
    if (!namespace || namespace.metadata.deletionTimestamp) return;
    const data = { 'ca.crt': rootCA };
    const cm = store.get<StoredConfigMap>('ConfigMap', ns, ROOT_CA_CONFIGMAP);
    if (!cm) {
      const fresh: StoredConfigMap = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: ROOT_CA_CONFIGMAP,
          namespace: ns,
          annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION },
        },
        data,
      };
      try {
        store.create(fresh, { actor: ACTOR, transfer: true });
      } catch (e) {
        // Don't retry a create if the namespace is gone or terminating (or it exists by now).
        if (isApiError(e) && ['NotFound', 'Forbidden', 'AlreadyExists'].includes(e.reason)) return;
        throw e;
      }
      return;
    }
    // Ensure the data and the one annotation describing its use match.
    const keys = Object.keys(cm.data ?? {});
    const dataOk = keys.length === 1 && cm.data?.['ca.crt'] === rootCA;
    if (dataOk && cm.metadata.annotations?.[DESCRIPTION_ANNOTATION]) return;
    const copy = deepClone(cm);
    copy.data = data;
    copy.metadata.annotations = {
      ...copy.metadata.annotations,
      [DESCRIPTION_ANNOTATION]: DESCRIPTION,
    };
    store.update(copy, { actor: ACTOR });
  });
}

// ------------------------------------------------------------------- the certificate

const caBySeed = new Map<number, string>();

/** The cluster CA in PEM, the same for every namespace (and every call) of a seeded cluster. */
export function clusterCACertificate(seed: number): string {
  let pem = caBySeed.get(seed);
  if (pem === undefined) {
    pem = toPem('CERTIFICATE', caCertificateDer(rngFor(seed, 'cluster-ca')));
    caBySeed.set(seed, pem);
  }
  return pem;
}

/** DER tag-length-value. */
function tlv(tag: number, body: readonly number[]): number[] {
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return [tag, ...len, ...body];
}
const seq = (...parts: number[][]): number[] => tlv(0x30, parts.flat());
const set = (...parts: number[][]): number[] => tlv(0x31, parts.flat());
const NULL = [0x05, 0x00];
const TRUE = [0x01, 0x01, 0xff];

function oid(dotted: string): number[] {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const body = [a * 40 + b];
  for (const v of rest) {
    const groups = [v & 0x7f];
    for (let x = v >>> 7; x > 0; x >>>= 7) groups.unshift((x & 0x7f) | 0x80);
    body.push(...groups);
  }
  return tlv(0x06, body);
}

const ascii = (s: string): number[] => [...s].map((ch) => ch.charCodeAt(0));
const bytes = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.int(256));

/** UTCTime `YYMMDDhhmmssZ` of a virtual-clock instant. */
function utcTime(ms: number): number[] {
  const t = formatTimestamp(ms); // 2024-06-03T08:00:00Z
  const digits = t.slice(2, 19).replace(/[-T:]/g, '');
  return tlv(0x17, ascii(`${digits}Z`));
}

/** Name `CN=kubernetes` (PrintableString, as Go encodes a printable CommonName). */
const CN_KUBERNETES = seq(set(seq(oid('2.5.4.3'), tlv(0x13, ascii('kubernetes')))));
const SHA256_WITH_RSA = seq(oid('1.2.840.113549.1.1.11'), NULL);
const TEN_YEARS_MS = 3650 * 24 * 3600 * 1000;
/** kubeadm init made the CA a minute before the API server stored its first object. */
const CA_CREATED_MS = EPOCH_MS - 60_000;

function caCertificateDer(rng: Rng): number[] {
  // A positive 63-bit serial (8 bytes, first one 0x01-0x7f, so no padding byte).
  const serial = [1 + rng.int(0x7f), ...bytes(rng, 7)];
  // An RSA-2048 modulus-shaped number: top bit set, odd; INTEGER needs a leading zero byte.
  const modulus = bytes(rng, 256);
  modulus[0] = modulus[0]! | 0x80;
  modulus[255] = modulus[255]! | 1;
  const rsaKey = seq(tlv(0x02, [0, ...modulus]), tlv(0x02, [0x01, 0x00, 0x01]));
  const spki = seq(seq(oid('1.2.840.113549.1.1.1'), NULL), tlv(0x03, [0, ...rsaKey]));
  const extensions = seq(
    // keyUsage (critical): digitalSignature, keyEncipherment, keyCertSign.
    seq(oid('2.5.29.15'), TRUE, tlv(0x04, [0x03, 0x02, 0x02, 0xa4])),
    // basicConstraints (critical): CA:TRUE.
    seq(oid('2.5.29.19'), TRUE, tlv(0x04, seq(TRUE))),
    // subjectKeyIdentifier (Go derives it from the key's SHA-1).
    seq(oid('2.5.29.14'), tlv(0x04, tlv(0x04, bytes(rng, 20)))),
    // subjectAltName: DNS:kubernetes.
    seq(oid('2.5.29.17'), tlv(0x04, seq(tlv(0x82, ascii('kubernetes'))))),
  );
  const tbs = seq(
    tlv(0xa0, tlv(0x02, [2])), // v3
    tlv(0x02, serial),
    SHA256_WITH_RSA,
    CN_KUBERNETES,
    seq(utcTime(CA_CREATED_MS), utcTime(CA_CREATED_MS + TEN_YEARS_MS)),
    CN_KUBERNETES,
    spki,
    tlv(0xa3, extensions),
  );
  return seq(tbs, SHA256_WITH_RSA, tlv(0x03, [0, ...bytes(rng, 256)]));
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** encoding/pem.Encode: base64 in 64-column lines between the BEGIN and END lines. */
function toPem(type: string, der: readonly number[]): string {
  let b64 = '';
  for (let i = 0; i < der.length; i += 3) {
    const a = der[i]!;
    const b = der[i + 1];
    const c = der[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    b64 += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    b64 += b === undefined ? '=' : B64[(n >> 6) & 63]!;
    b64 += c === undefined ? '=' : B64[n & 63]!;
  }
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}
