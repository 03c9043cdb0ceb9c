import type { Toleration } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { ApiStore } from '../../api/store';
import { utcMs, VirtualClock } from '../../sim/clock';
import { IdSource } from '../../sim/ids';
import { Inspector } from '../../sim/inspector';
import { rngFor } from '../../sim/rng';
import { describeContext } from './context';
import { describeEvents } from './events';
import {
  formatLabelSelector,
  printAnnotationsMultiline,
  printLabelsMultiline,
  printTaintsMultiline,
  printTolerationsMultiline,
  QuantitySum,
  rfc1123z,
  selectorString,
} from './format';
import { camelcaseSplit, describeGeneric, smartLabelFor } from './generic';
import { formatEndpoints } from '../printers/kinds';
import { describePodTemplate, describeProbe } from './pod';
import { rawPrefixWriter, tabbedString } from './prefix-writer';

describe('rfc1123z (Go time.RFC1123Z in UTC)', () => {
  it.each([
    ['2024-06-03T08:10:00Z', 'Mon, 03 Jun 2024 08:10:00 +0000'],
    ['2000-02-29T23:59:59Z', 'Tue, 29 Feb 2000 23:59:59 +0000'],
    ['1970-01-01T00:00:00Z', 'Thu, 01 Jan 1970 00:00:00 +0000'],
    ['2024-12-31T08:00:00.123456Z', 'Tue, 31 Dec 2024 08:00:00 +0000'],
    [undefined, 'Mon, 01 Jan 0001 00:00:00 +0000'],
  ])('%s → %s', (ts, want) => {
    expect(rfc1123z(ts)).toBe(want);
  });
});

describe('labels, annotations, tolerations, taints', () => {
  it('prints labels sorted, continuation lines aligned, <none> when empty', () => {
    const text = tabbedString((w) => {
      printLabelsMultiline(w, 'Labels', { 'pod-template-hash': 'fd86fb676', app: 'httpd2' });
      printLabelsMultiline(w, 'Node-Selectors', {});
    });
    expect(text).toBe(
      'Labels:          app=httpd2\n' +
        '                 pod-template-hash=fd86fb676\n' +
        'Node-Selectors:  <none>\n',
    );
  });

  it('skips the last-applied configuration and folds long annotations', () => {
    const long = 'x'.repeat(150);
    const text = tabbedString((w) =>
      printAnnotationsMultiline(w, 'Annotations', {
        'kubectl.kubernetes.io/last-applied-configuration': '{"a":1}\n',
        'deployment.kubernetes.io/revision': '2',
        note: long,
        multi: 'one\ntwo\n',
      }),
    );
    expect(text).toBe(
      'Annotations:  deployment.kubernetes.io/revision: 2\n' +
        '              multi:\n' +
        '                one\n' +
        '                two\n' +
        '              note:\n' +
        `                ${'x'.repeat(138)}...\n`,
    );
  });

  it('prints <none> when only the last-applied configuration is there', () => {
    const text = tabbedString((w) =>
      printAnnotationsMultiline(w, 'Annotations', {
        'kubectl.kubernetes.io/last-applied-configuration': '{}',
      }),
    );
    expect(text).toBe('Annotations:  <none>\n');
  });

  const TOLERATIONS: Array<[Toleration, string]> = [
    [{ operator: 'Exists' }, 'op=Exists'],
    [{ key: 'CriticalAddonsOnly', operator: 'Exists' }, 'CriticalAddonsOnly op=Exists'],
    [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' }, 'k=v:NoSchedule'],
    [{ operator: 'Exists', effect: 'NoExecute' }, ':NoExecute op=Exists'],
    [
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
      'node.kubernetes.io/not-ready:NoExecute op=Exists for 300s',
    ],
  ];
  it.each(TOLERATIONS)('toleration %j prints as %s', (t, want) => {
    const text = rawPrefixWriter();
    printTolerationsMultiline(text, 'Tolerations', [t]);
    expect(text.toString()).toBe(`Tolerations:\t${want}\n`);
  });

  it('sorts tolerations by key, keeping the order of equal keys', () => {
    const w = rawPrefixWriter();
    printTolerationsMultiline(w, 'Tolerations', [
      { key: 'b', operator: 'Exists' },
      { operator: 'Exists', effect: 'NoSchedule' },
      { key: 'a', operator: 'Exists' },
      { operator: 'Exists' },
    ]);
    expect(w.toString()).toBe(
      'Tolerations:\t:NoSchedule op=Exists\n\top=Exists\n\ta op=Exists\n\tb op=Exists\n',
    );
  });

  it('sorts taints by effect then key', () => {
    const text = tabbedString((w) =>
      printTaintsMultiline(w, 'Taints', [
        { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
        { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
        { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
      ]),
    );
    expect(text).toBe(
      'Taints:  node.kubernetes.io/unreachable:NoExecute\n' +
        '         dedicated=gpu:NoSchedule\n' +
        '         node-role.kubernetes.io/control-plane:NoSchedule\n',
    );
  });
});

describe('selectors and quantities', () => {
  it.each([
    [
      { matchLabels: { app: 'httpd2', 'pod-template-hash': '84644f7fbb' } },
      'app=httpd2,pod-template-hash=84644f7fbb',
    ],
    [
      {
        matchLabels: { tier: 'web' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'dev'] },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
      },
      '!canary,env in (dev,prod),tier=web',
    ],
    [{}, ''],
  ])('selector %j → %s', (sel, want) => {
    expect(selectorString(sel)).toBe(want);
    expect(formatLabelSelector(sel)).toBe(want === '' ? '<none>' : want);
  });

  it('adds quantities in the format of the first', () => {
    const s = new QuantitySum();
    expect(s.toString()).toBe('0');
    s.add('70Mi');
    s.add('70Mi');
    expect(s.toString()).toBe('140Mi');
    const c = new QuantitySum();
    c.add('100m');
    c.add(0.5);
    expect(c.toString()).toBe('600m');
  });
});

describe('probes and endpoints', () => {
  it.each([
    [
      {
        httpGet: { path: '/health', port: 8080, scheme: 'HTTP' },
        initialDelaySeconds: 60,
        timeoutSeconds: 5,
        periodSeconds: 10,
        successThreshold: 1,
        failureThreshold: 5,
      },
      'http-get http://:8080/health delay=60s timeout=5s period=10s #success=1 #failure=5',
    ],
    [
      {
        tcpSocket: { port: 'http' },
        timeoutSeconds: 1,
        periodSeconds: 10,
        successThreshold: 1,
        failureThreshold: 3,
      },
      'tcp-socket :http delay=0s timeout=1s period=10s #success=1 #failure=3',
    ],
    [
      { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 5 },
      'exec [cat /tmp/healthy] delay=0s timeout=0s period=5s #success=0 #failure=0',
    ],
    [
      { httpGet: { host: '::1', path: 'ready', port: 80, scheme: 'HTTPS' } },
      'http-get https://[::1]:80/ready delay=0s timeout=0s period=0s #success=0 #failure=0',
    ],
  ])('probe %j', (probe, want) => {
    expect(describeProbe(probe)).toBe(want);
  });

  it('lists at most three endpoints of the named port', () => {
    const ep = {
      subsets: [
        {
          addresses: ['10.244.1.3', '10.244.1.4', '10.244.2.3', '10.244.2.4', '10.244.2.5'].map(
            (ip) => ({ ip }),
          ),
          ports: [
            { name: 'http', port: 80 },
            { name: 'metrics', port: 9090 },
          ],
        },
      ],
    };
    expect(formatEndpoints(ep, 'http')).toBe(
      '10.244.1.3:80,10.244.1.4:80,10.244.2.3:80 + 2 more...',
    );
    expect(formatEndpoints(ep, 'other')).toBe('');
    expect(formatEndpoints({ subsets: [] }, '')).toBe('<none>');
    expect(
      formatEndpoints(
        { subsets: [{ notReadyAddresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] },
        '',
      ),
    ).toBe('');
  });
});

describe('describePodTemplate through a raw writer (rollout history --revision)', () => {
  it('prints the block with raw tabs, as the classic lesson shows it', () => {
    const w = rawPrefixWriter();
    describePodTemplate(
      {
        metadata: { labels: { app: 'httpd2', 'pod-template-hash': '84644f7fbb' } },
        spec: { containers: [{ name: 'httpd2', image: 'httpd:v0.4' }] },
      },
      w,
    );
    expect(w.toString()).toBe(
      'Pod Template:\n' +
        '  Labels:\tapp=httpd2\n' +
        '\tpod-template-hash=84644f7fbb\n' +
        '  Containers:\n' +
        '   httpd2:\n' +
        '    Image:\thttpd:v0.4\n' +
        '    Port:\t<none>\n' +
        '    Host Port:\t<none>\n' +
        '    Environment:\t<none>\n' +
        '    Mounts:\t<none>\n' +
        '  Volumes:\t<none>\n' +
        '  Node-Selectors:\t<none>\n' +
        '  Tolerations:\t<none>\n',
    );
  });
});

describe('generic describer', () => {
  it.each([
    ['apiVersion', 'API Version'],
    ['creationTimestamp', 'Creation Timestamp'],
    ['uid', 'UID'],
    ['hostIPs', 'Host I Ps'],
    ['podCIDR', 'Pod CIDR'],
    ['kubernetes.io/name', 'kubernetes.io/name'],
    ['x1', 'x1'],
  ])('smartLabelFor(%s) = %s', (field, want) => {
    expect(smartLabelFor(field)).toBe(want);
  });

  it('splits camel case like fatih/camelcase', () => {
    expect(camelcaseSplit('PDFLoader')).toEqual(['PDF', 'Loader']);
    expect(camelcaseSplit('eventTime')).toEqual(['event', 'Time']);
  });

  it('prints every field but the metadata it printed already, then events', () => {
    const clock = new VirtualClock();
    const store = new ApiStore(
      clock,
      new IdSource(1),
      rngFor(1, 'apiserver'),
      new Inspector(() => 0),
    );
    const obj: KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: 'x.1',
        namespace: 'default',
        uid: 'u-1',
        labels: { a: 'b' },
        creationTimestamp: '2024-06-03T08:00:00Z',
      },
      count: 2,
      involvedObject: { kind: 'Pod', name: 'x' },
      related: null,
      series: undefined,
      tags: ['one', 'two'],
    };
    const text = describeGeneric(obj, describeContext(store, clock.now()));
    expect(text).toBe(
      'Name:         x.1\n' +
        'Namespace:    default\n' +
        'Labels:       a=b\n' +
        'Annotations:  <none>\n' +
        'API Version:  v1\n' +
        'Count:        2\n' +
        'Involved Object:\n' +
        '  Kind:  Pod\n' +
        '  Name:  x\n' +
        'Kind:    Event\n' +
        'Metadata:\n' +
        '  Creation Timestamp:  2024-06-03T08:00:00Z\n' +
        '  UID:                 u-1\n' +
        'Related:               <nil>\n' +
        'Tags:\n' +
        '  one\n' +
        '  two\n' +
        'Events:  <none>\n',
    );
  });
});

describe('describeEvents', () => {
  const now = utcMs(2024, 6, 3, 8, 15, 0);
  it('sorts by last time seen (stable) and shows repeats as (xN over first)', () => {
    const text = tabbedString((w) =>
      describeEvents(
        [
          {
            metadata: {},
            involvedObject: {},
            type: 'Warning',
            reason: 'BackOff',
            message: 'Back-off restarting failed container',
            source: { component: 'kubelet' },
            count: 3,
            firstTimestamp: '2024-06-03T08:10:00Z',
            lastTimestamp: '2024-06-03T08:13:00Z',
            eventTime: '2024-06-03T08:10:00.000000Z',
          },
          {
            metadata: {},
            involvedObject: {},
            type: 'Normal',
            reason: 'Scheduled',
            message: 'Successfully assigned default/x to node1 ',
            source: { component: 'default-scheduler' },
            count: 1,
            firstTimestamp: '2024-06-03T08:10:00Z',
            lastTimestamp: '2024-06-03T08:10:00Z',
          },
        ],
        w,
        now,
      ),
    );
    expect(text).toBe(
      'Events:\n' +
        '  Type     Reason     Age              From               Message\n' +
        '  ----     ------     ----             ----               -------\n' +
        '  Normal   Scheduled  5m               default-scheduler  Successfully assigned default/x to node1\n' +
        '  Warning  BackOff    2m (x3 over 5m)  kubelet            Back-off restarting failed container\n',
    );
  });
});
