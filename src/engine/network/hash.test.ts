import { describe, expect, it } from 'vitest';
import { utf8Bytes } from '../sim/utf8';
import {
  base32Std,
  endpointChainName,
  isServiceChainName,
  portProtoHash,
  servicePortChainName,
  sha256,
  toHex,
} from './hash';

describe('sha256 (FIPS 180-4 test vectors)', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
    // 55, 56 and 64 bytes: the padding boundaries.
    ['a'.repeat(55), '9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318'],
    ['a'.repeat(56), 'b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a'],
    ['a'.repeat(64), 'ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb'],
  ])('sha256(%j)', (input, hex) => {
    expect(toHex(sha256(utf8Bytes(input)))).toBe(hex);
  });
});

describe('base32 (RFC 4648 §10 test vectors, standard alphabet with padding)', () => {
  it.each([
    ['', ''],
    ['f', 'MY======'],
    ['fo', 'MZXQ===='],
    ['foo', 'MZXW6==='],
    ['foob', 'MZXW6YQ='],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI======'],
  ])('base32(%j) = %s', (input, encoded) => {
    expect(base32Std(utf8Bytes(input))).toBe(encoded);
  });
});

describe('chain-name hashes (k8s-reference §1.3)', () => {
  // Every vector of the §1.3 table: the input string is svcPortName + proto (+ "ip:port").
  it.each([
    ['ns1/svc1:p80', 'tcp', undefined, 'XPGD46QRK7WJZT7O'],
    ['ns1/svc1:p80', 'tcp', '10.180.0.1:80', 'SXIVWICOYRO3J4NJ'],
    ['default/kubernetes:https', 'tcp', undefined, 'NPX46M4PTMTKRN6Y'],
    ['default/kubernetes:https', 'tcp', '192.168.49.2:8443', 'VPILYQBSPPXYB66K'],
    ['kube-system/kube-dns:dns', 'udp', undefined, 'TCOU7JCQXEZGVUNU'],
    ['kube-system/kube-dns:dns-tcp', 'tcp', undefined, 'ERIFXISQEP7F7OF4'],
    ['kube-system/kube-dns:metrics', 'tcp', undefined, 'JD5MR3NA4I4DYORP'],
    ['kube-system/kube-dns:dns', 'udp', '10.244.0.2:53', 'YIL6JZP7A3QYXJU2'],
    ['default/nginx', 'tcp', undefined, '2CMXP7HKUVJN7L6M'],
  ])('%s %s %s → %s', (svcPortName, proto, ep, hash) => {
    if (ep === undefined) {
      expect(portProtoHash(svcPortName, proto)).toBe(hash);
      expect(servicePortChainName('KUBE-SVC-', svcPortName, proto)).toBe(`KUBE-SVC-${hash}`);
    } else {
      expect(endpointChainName(svcPortName, proto, ep)).toBe(`KUBE-SEP-${hash}`);
    }
  });

  it('the SVC, SVL, EXT and FW chains of a port share the same 16 characters', () => {
    const names = (['KUBE-SVC-', 'KUBE-SVL-', 'KUBE-EXT-', 'KUBE-FW-'] as const).map((p) =>
      servicePortChainName(p, 'ns4/svc4:p80', 'tcp'),
    );
    expect(names).toEqual([
      'KUBE-SVC-4SW47YFZTEDKD3PK',
      'KUBE-SVL-4SW47YFZTEDKD3PK',
      'KUBE-EXT-4SW47YFZTEDKD3PK',
      'KUBE-FW-4SW47YFZTEDKD3PK',
    ]);
  });

  it('matches the KUBE-SEP and KUBE-FW names of the upstream test fixture (§1.6)', () => {
    expect(endpointChainName('ns4/svc4:p80', 'tcp', '10.180.0.4:80')).toBe(
      'KUBE-SEP-UKSFD7AGPMPPLUHC',
    );
    expect(endpointChainName('ns4/svc4:p80', 'tcp', '10.180.0.5:80')).toBe(
      'KUBE-SEP-C6EBXVWJJZMIWKLZ',
    );
    expect(servicePortChainName('KUBE-FW-', 'ns5/svc5:p80', 'tcp')).toBe(
      'KUBE-FW-NUKIZ6OKUXPJNT4C',
    );
    expect(endpointChainName('ns5/svc5:p80', 'tcp', '10.180.0.3:80')).toBe(
      'KUBE-SEP-I77PXRDZVX7PMWMN',
    );
  });

  it('recognises the chains kube-proxy owns and deletes when unused', () => {
    expect(
      ['KUBE-SVC-X', 'KUBE-SVL-X', 'KUBE-EXT-X', 'KUBE-FW-X', 'KUBE-SEP-X', 'KUBE-SERVICES'].map(
        isServiceChainName,
      ),
    ).toEqual([true, true, true, true, true, false]);
  });
});
