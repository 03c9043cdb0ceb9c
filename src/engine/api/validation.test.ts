/**
 * Validation and strict decoding, through the store as kubectl meets them: each row creates (or
 * updates) an object and expects the exact text kubectl prints for the API error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newFixture } from '../testing/fixture';
import { installApiStrategies } from './api-strategies';
import { isApiError, kubectlMessage } from './errors';
import { KINDS } from './kinds';
import type { KObject } from './types';
import { deepClone, deepFreeze } from './types';
import {
  decodesCleanlyWithout,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isIPv6,
  isQualifiedName,
  isValidPortName,
  strictDecodeError,
  unknownFields,
  validateLabels,
  validateObject,
  validatePodSpec,
  validateObjectUpdate,
} from './validation';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function fixture() {
  const f = newFixture({ strategies: false });
  installApiStrategies(f.ctx);
  return f;
}

/** The message kubectl prints when creating `obj` fails, or 'created'. */
function createMessage(obj: KObject): string {
  const f = fixture();
  try {
    f.store.create(obj, { actor: 'kubectl' });
    return 'created';
  } catch (e) {
    if (isApiError(e)) return kubectlMessage(e);
    throw e;
  }
}

function deployment(edit: (d: Obj) => void = () => {}): KObject {
  const d: Obj = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80 }] }],
        },
      },
    },
  };
  edit(d);
  return d as KObject;
}

function pod(edit: (p: Obj) => void = () => {}): KObject {
  const p: Obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'busybox:1.28', ports: [{ containerPort: 8080 }] }] },
  };
  edit(p);
  return p as KObject;
}

function service(edit: (s: Obj) => void = () => {}): KObject {
  const s: Obj = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  };
  edit(s);
  return s as KObject;
}

function daemonSet(edit: (d: Obj) => void = () => {}): KObject {
  const d: Obj = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { containers: [{ name: 'agent', image: 'busybox:1.28' }] },
      },
    },
  };
  edit(d);
  return d as KObject;
}

const DNS1123_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1123_LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_LABEL =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const EMPTY_SELECTOR =
  'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}';

const CREATE_CASES: Array<[string, KObject, string]> = [
  // ---- metadata
  [
    'name required',
    deployment((d) => delete d.metadata.name),
    'The Deployment "" is invalid: metadata.name: Required value: name or generateName is required',
  ],
  [
    'name must be a DNS-1123 subdomain',
    deployment((d) => (d.metadata.name = 'Web_1')),
    `The Deployment "Web_1" is invalid: metadata.name: Invalid value: "Web_1": ${DNS1123_SUBDOMAIN}`,
  ],
  [
    'name too long',
    deployment((d) => (d.metadata.name = 'a'.repeat(254))),
    `The Deployment "${'a'.repeat(254)}" is invalid: metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`,
  ],
  [
    'label value syntax',
    deployment((d) => (d.metadata.labels = { app: 'web', tier: 'front end' })),
    `The Deployment "web" is invalid: metadata.labels: Invalid value: "front end": ${LABEL_VALUE}`,
  ],
  [
    'label key syntax',
    deployment((d) => (d.metadata.labels = { '-app': 'web' })),
    `The Deployment "web" is invalid: metadata.labels: Invalid value: "-app": ${NAME_PART}`,
  ],
  [
    'label key prefix',
    deployment((d) => (d.metadata.labels = { 'Example.com/app': 'web' })),
    `The Deployment "web" is invalid: metadata.labels: Invalid value: "Example.com/app": prefix part ${DNS1123_SUBDOMAIN}`,
  ],
  [
    'annotation key',
    deployment((d) => (d.metadata.annotations = { 'a/b/c': 'x' })),
    "The Deployment \"web\" is invalid: metadata.annotations: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
  ],
  // ---- deployments
  [
    'selector required (and then it cannot match the template)',
    deployment((d) => delete d.spec.selector),
    'The Deployment "web" is invalid: \n* spec.selector: Required value\n* spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
  ],
  [
    'empty selector',
    deployment((d) => (d.spec.selector = {})),
    `The Deployment "web" is invalid: spec.selector: Invalid value: ${EMPTY_SELECTOR}: empty selector is invalid for deployment`,
  ],
  [
    'empty matchLabels prints an empty map',
    deployment((d) => (d.spec.selector = { matchLabels: {} })),
    'The Deployment "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
  ],
  [
    'selector does not match template labels',
    deployment((d) => (d.spec.template.metadata.labels = { app: 'x' })),
    'The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match template `labels`',
  ],
  [
    'template without labels',
    deployment((d) => delete d.spec.template.metadata),
    'The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`',
  ],
  [
    'matchExpressions operator',
    deployment(
      (d) =>
        (d.spec.selector = { matchExpressions: [{ key: 'app', operator: 'Is', values: ['web'] }] }),
    ),
    'The Deployment "web" is invalid: \n* spec.selector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator\n* spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"Is", Values:[]string{"web"}}}}: invalid label selector',
  ],
  [
    'negative replicas',
    deployment((d) => (d.spec.replicas = -1)),
    'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
  ],
  [
    'maxSurge and maxUnavailable both 0',
    deployment(
      (d) =>
        (d.spec.strategy = {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: 0, maxUnavailable: 0 },
        }),
    ),
    'The Deployment "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
  ],
  [
    'maxSurge 0% and maxUnavailable 0',
    deployment((d) => (d.spec.strategy = { rollingUpdate: { maxSurge: '0%', maxUnavailable: 0 } })),
    'The Deployment "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
  ],
  [
    'maxUnavailable over 100%',
    deployment((d) => (d.spec.strategy = { rollingUpdate: { maxUnavailable: '150%' } })),
    'The Deployment "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
  ],
  [
    'maxSurge not a percent',
    deployment((d) => (d.spec.strategy = { rollingUpdate: { maxSurge: 'half' } })),
    "The Deployment \"web\" is invalid: spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"half\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
  ],
  [
    'negative maxSurge',
    deployment((d) => (d.spec.strategy = { rollingUpdate: { maxSurge: -1 } })),
    'The Deployment "web" is invalid: spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0',
  ],
  [
    'Recreate with rollingUpdate',
    deployment((d) => (d.spec.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } })),
    'The Deployment "web" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is \'Recreate\'',
  ],
  [
    'unknown strategy type',
    deployment((d) => (d.spec.strategy = { type: 'Rolling' })),
    'The Deployment "web" is invalid: spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"Rolling", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"',
  ],
  [
    'deployments only restart Always',
    deployment((d) => (d.spec.template.spec.restartPolicy = 'Never')),
    'The Deployment "web" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
  ],
  [
    'progressDeadlineSeconds not above minReadySeconds',
    deployment((d) => Object.assign(d.spec, { minReadySeconds: 30, progressDeadlineSeconds: 30 })),
    'The Deployment "web" is invalid: spec.progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds',
  ],
  [
    'template label syntax uses the template.labels path',
    deployment((d) => {
      d.spec.selector.matchLabels = { app: 'web' };
      d.spec.template.metadata.labels = { app: 'web', 'bad key': 'x' };
    }),
    `The Deployment "web" is invalid: spec.template.labels: Invalid value: "bad key": ${NAME_PART}`,
  ],
  // ---- containers
  [
    'containers required',
    deployment((d) => (d.spec.template.spec.containers = [])),
    'The Deployment "web" is invalid: spec.template.spec.containers: Required value',
  ],
  [
    'image required',
    deployment((d) => delete d.spec.template.spec.containers[0].image),
    'The Deployment "web" is invalid: spec.template.spec.containers[0].image: Required value',
  ],
  [
    'container name required',
    deployment((d) => delete d.spec.template.spec.containers[0].name),
    'The Deployment "web" is invalid: spec.template.spec.containers[0].name: Required value',
  ],
  [
    'container name is a DNS-1123 label',
    deployment((d) => (d.spec.template.spec.containers[0].name = 'Web')),
    `The Deployment "web" is invalid: spec.template.spec.containers[0].name: Invalid value: "Web": ${DNS1123_LABEL}`,
  ],
  [
    'duplicate container names',
    deployment((d) => d.spec.template.spec.containers.push({ name: 'web', image: 'busybox:1.28' })),
    'The Deployment "web" is invalid: spec.template.spec.containers[1].name: Duplicate value: "web"',
  ],
  [
    'containerPort out of range',
    deployment((d) => (d.spec.template.spec.containers[0].ports[0].containerPort = 70000)),
    'The Deployment "web" is invalid: spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
  ],
  [
    'containerPort required',
    deployment((d) => (d.spec.template.spec.containers[0].ports = [{ name: 'http' }])),
    'The Deployment "web" is invalid: spec.template.spec.containers[0].ports[0].containerPort: Required value',
  ],
  [
    'port name with consecutive hyphens',
    deployment((d) => (d.spec.template.spec.containers[0].ports[0].name = 'http--alt')),
    'The Deployment "web" is invalid: spec.template.spec.containers[0].ports[0].name: Invalid value: "http--alt": must not contain consecutive hyphens',
  ],
  [
    'port name too long and all digits',
    deployment((d) => (d.spec.template.spec.containers[0].ports[0].name = '1234567890123456')),
    'The Deployment "web" is invalid: \n* spec.template.spec.containers[0].ports[0].name: Invalid value: "1234567890123456": must be no more than 15 characters\n* spec.template.spec.containers[0].ports[0].name: Invalid value: "1234567890123456": must contain at least one letter (a-z)',
  ],
  [
    'duplicate port names',
    deployment(
      (d) =>
        (d.spec.template.spec.containers[0].ports = [
          { name: 'http', containerPort: 80 },
          { name: 'http', containerPort: 8080 },
        ]),
    ),
    'The Deployment "web" is invalid: spec.template.spec.containers[0].ports[1].name: Duplicate value: "http"',
  ],
  [
    'port protocol is case-sensitive',
    deployment((d) => (d.spec.template.spec.containers[0].ports[0].protocol = 'tcp')),
    'The Deployment "web" is invalid: spec.template.spec.containers[0].ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"',
  ],
  [
    'imagePullPolicy values',
    deployment((d) => (d.spec.template.spec.containers[0].imagePullPolicy = 'always')),
    'The Deployment "web" is invalid: spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "always": supported values: "Always", "IfNotPresent", "Never"',
  ],
  // ---- daemonsets
  [
    'daemonset without selector',
    daemonSet((d) => delete d.spec.selector),
    'The DaemonSet "agent" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"agent"}: `selector` does not match template `labels`',
  ],
  [
    'daemonset empty selector',
    daemonSet((d) => (d.spec.selector = {})),
    `The DaemonSet "agent" is invalid: spec.selector: Invalid value: ${EMPTY_SELECTOR}: empty selector is invalid for daemonset`,
  ],
  [
    'daemonset maxSurge with maxUnavailable',
    daemonSet(
      (d) => (d.spec.updateStrategy = { rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } }),
    ),
    'The DaemonSet "agent" is invalid: spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero',
  ],
  [
    'daemonset both zero',
    daemonSet(
      (d) => (d.spec.updateStrategy = { rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }),
    ),
    'The DaemonSet "agent" is invalid: spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0',
  ],
  // ---- pods
  [
    'pod restartPolicy values',
    pod((p) => (p.spec.restartPolicy = 'Sometimes')),
    'The Pod "p" is invalid: spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
  ],
  [
    'pod dnsPolicy values',
    pod((p) => (p.spec.dnsPolicy = 'Cluster')),
    'The Pod "p" is invalid: spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
  ],
  [
    'volume mount of a volume that does not exist',
    pod((p) => (p.spec.containers[0].volumeMounts = [{ name: 'data', mountPath: '/data' }])),
    'The Pod "p" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "data"',
  ],
  [
    'requests above limits',
    pod((p) => (p.spec.containers[0].resources = { requests: { cpu: '2' }, limits: { cpu: '1' } })),
    'The Pod "p" is invalid: spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
  ],
  [
    'unknown resource name',
    pod((p) => (p.spec.containers[0].resources = { limits: { cpus: '1' } })),
    'The Pod "p" is invalid: \n* spec.containers[0].resources.limits[cpus]: Invalid value: "cpus": must be a standard resource for containers\n* spec.containers[0].resources.requests[cpus]: Invalid value: "cpus": must be a standard resource for containers',
  ],
  [
    'environment variable name',
    pod((p) => (p.spec.containers[0].env = [{ name: '1PORT', value: '80' }])),
    "The Pod \"p\" is invalid: spec.containers[0].env[0].name: Invalid value: \"1PORT\": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
  ],
  [
    'probe without a handler',
    pod((p) => (p.spec.containers[0].livenessProbe = { periodSeconds: 5 })),
    'The Pod "p" is invalid: spec.containers[0].livenessProbe: Required value: must specify a handler type',
  ],
  [
    'liveness successThreshold must be 1',
    pod(
      (p) =>
        (p.spec.containers[0].livenessProbe = { tcpSocket: { port: 8080 }, successThreshold: 2 }),
    ),
    'The Pod "p" is invalid: spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
  ],
  [
    'probe named port syntax',
    pod((p) => (p.spec.containers[0].readinessProbe = { httpGet: { port: 'Web' } })),
    'The Pod "p" is invalid: spec.containers[0].readinessProbe.httpGet.port: Invalid value: "Web": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
  ],
  [
    'duplicate hostPort',
    pod((p) => {
      p.spec.containers[0].ports[0].hostPort = 8080;
      p.spec.containers.push({
        name: 'd',
        image: 'busybox:1.28',
        ports: [{ containerPort: 9090, hostPort: 8080 }],
      });
    }),
    'The Pod "p" is invalid: spec.containers[1].ports[0].hostPort: Duplicate value: "/TCP/8080"',
  ],
  [
    'toleration operator',
    pod((p) => (p.spec.tolerations = [{ key: 'k', operator: 'Equals', value: 'v' }])),
    'The Pod "p" is invalid: spec.tolerations[0].operator: Unsupported value: "Equals": supported values: "Equal", "Exists"',
  ],
  [
    'unknown priority class',
    pod((p) => (p.spec.priorityClassName = 'high')),
    'Error from server (Forbidden): pods "p" is forbidden: no PriorityClass with name high was found',
  ],
  [
    'priority given by hand',
    pod((p) => (p.spec.priority = 5)),
    'Error from server (Forbidden): pods "p" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name',
  ],
  // ---- services
  [
    'service names are DNS-1035 labels',
    service((s) => (s.metadata.name = '1web')),
    `The Service "1web" is invalid: metadata.name: Invalid value: "1web": ${DNS1035_LABEL}`,
  ],
  [
    'ports required',
    service((s) => delete s.spec.ports),
    'The Service "s" is invalid: spec.ports: Required value',
  ],
  [
    'port out of range (targetPort defaults to it)',
    service((s) => (s.spec.ports = [{ port: 0 }])),
    'The Service "s" is invalid: \n* spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n* spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
  ],
  [
    'targetPort out of range',
    service((s) => (s.spec.ports = [{ port: 80, targetPort: 65536 }])),
    'The Service "s" is invalid: spec.ports[0].targetPort: Invalid value: 65536: must be between 1 and 65535, inclusive',
  ],
  [
    'named targetPort syntax',
    service((s) => (s.spec.ports = [{ port: 80, targetPort: 'HTTP' }])),
    'The Service "s" is invalid: \n* spec.ports[0].targetPort: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)\n* spec.ports[0].targetPort: Invalid value: "HTTP": must contain at least one letter (a-z)',
  ],
  [
    'port names required with several ports',
    service((s) => (s.spec.ports = [{ port: 80 }, { port: 443 }])),
    'The Service "s" is invalid: \n* spec.ports[0].name: Required value\n* spec.ports[1].name: Required value',
  ],
  [
    'duplicate port',
    service(
      (s) =>
        (s.spec.ports = [
          { name: 'a', port: 80 },
          { name: 'b', port: 80, targetPort: 8080 },
        ]),
    ),
    'The Service "s" is invalid: spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
  ],
  [
    'same port number on two protocols is fine',
    service(
      (s) =>
        (s.spec.ports = [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
        ]),
    ),
    'created',
  ],
  [
    'duplicate port names',
    service(
      (s) =>
        (s.spec.ports = [
          { name: 'a', port: 80 },
          { name: 'a', port: 81 },
        ]),
    ),
    'The Service "s" is invalid: spec.ports[1].name: Duplicate value: "a"',
  ],
  [
    'service type values',
    service((s) => (s.spec.type = 'Nodeport')),
    'The Service "s" is invalid: spec.type: Unsupported value: "Nodeport": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
  ],
  [
    'nodePort on a ClusterIP service',
    service((s) => (s.spec.ports[0].nodePort = 30080)),
    'The Service "s" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is \'ClusterIP\'',
  ],
  [
    'ExternalName needs externalName',
    service((s) => Object.assign(s.spec, { type: 'ExternalName', ports: [] })),
    'The Service "s" is invalid: spec.externalName: Required value',
  ],
  [
    'externalName syntax',
    service((s) => Object.assign(s.spec, { type: 'ExternalName', externalName: 'My.Example.com' })),
    `The Service "s" is invalid: spec.externalName: Invalid value: "My.Example.com": ${DNS1123_SUBDOMAIN}`,
  ],
  [
    'clusterIP syntax',
    service((s) => (s.spec.clusterIP = '10.96.0.300')),
    'The Service "s" is invalid: spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  ],
  [
    'headless NodePort',
    service((s) => Object.assign(s.spec, { type: 'NodePort', clusterIP: 'None' })),
    'The Service "s" is invalid: spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services',
  ],
  [
    'selector syntax',
    service((s) => (s.spec.selector = { app: 'my app' })),
    `The Service "s" is invalid: spec.selector: Invalid value: "my app": ${LABEL_VALUE}`,
  ],
  [
    'sessionAffinity values',
    service((s) => (s.spec.sessionAffinity = 'Client')),
    'The Service "s" is invalid: spec.sessionAffinity: Unsupported value: "Client": supported values: "ClientIP", "None"',
  ],
  [
    'ClientIP timeout range',
    service((s) =>
      Object.assign(s.spec, {
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } },
      }),
    ),
    'The Service "s" is invalid: spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400',
  ],
  [
    'externalTrafficPolicy on a ClusterIP service',
    service((s) => (s.spec.externalTrafficPolicy = 'Local')),
    'The Service "s" is invalid: spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services',
  ],
  // ---- the rest
  [
    'namespace names are DNS-1123 labels',
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev.team' } },
    `The Namespace "dev.team" is invalid: metadata.name: Invalid value: "dev.team": ${DNS1123_LABEL}`,
  ],
  [
    'configmap keys',
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { 'my key': 'v' } },
    "The ConfigMap \"cm\" is invalid: data[my key]: Invalid value: \"my key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  ],
  [
    'ingress pathType required',
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'ing' },
      spec: {
        rules: [
          {
            host: 'web.example.com',
            http: {
              paths: [{ path: '/', backend: { service: { name: 'web', port: { number: 80 } } } }],
            },
          },
        ],
      },
    },
    'The Ingress "ing" is invalid: spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
  ],
  [
    'ingress path must be absolute',
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'ing' },
      spec: {
        rules: [
          {
            http: {
              paths: [
                {
                  path: 'web',
                  pathType: 'Prefix',
                  backend: { service: { name: 'web', port: { name: 'http' } } },
                },
              ],
            },
          },
        ],
      },
    },
    'The Ingress "ing" is invalid: spec.rules[0].http.paths[0].path: Invalid value: "web": must be an absolute path',
  ],
  // ---- strict decoding (kubectl >= 1.27 sends fieldValidation=Strict)
  [
    'unknown field',
    deployment((d) => {
      d.spec.replica = 3;
    }),
    'Error from server (BadRequest): Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"',
  ],
  [
    'unknown fields in sorted order, with list indexes',
    deployment((d) => {
      d.spec.template.spec.containers[0].imagePullPolicyy = 'Always';
      d.metadata.label = { app: 'web' };
    }),
    'Error from server (BadRequest): Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "metadata.label", unknown field "spec.template.spec.containers[0].imagePullPolicyy"',
  ],
  [
    'a string where an integer goes',
    deployment((d) => (d.spec.replicas = '3')),
    'Error from server (BadRequest): Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
  ],
  [
    'a number where a string goes',
    deployment((d) => (d.spec.template.spec.containers[0].env = [{ name: 'PORT', value: 8080 }])),
    'Error from server (BadRequest): Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string',
  ],
  [
    'a map where a list goes',
    pod((p) => (p.spec.containers = { name: 'c', image: 'busybox' })),
    'Error from server (BadRequest): Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container',
  ],
  [
    'type errors win over unknown fields',
    pod((p) => {
      p.spec.foo = 1;
      p.spec.terminationGracePeriodSeconds = 'soon';
    }),
    'Error from server (BadRequest): Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64',
  ],
  [
    'bad quantity',
    pod((p) => (p.spec.containers[0].resources = { limits: { memory: '1 GB' } })),
    'Error from server (BadRequest): Pod in version "v1" cannot be handled as a Pod: quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'',
  ],
  [
    'secret data must be base64',
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { password: 'hunter2!' } },
    'Error from server (BadRequest): Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 7',
  ],
];

describe('validation messages (create)', () => {
  it.each(CREATE_CASES)('%s', (_name, obj, expected) => {
    expect(createMessage(obj)).toBe(expected);
  });
});

describe('validation messages (update)', () => {
  function updateMessage(first: KObject, edit: (o: Obj) => void): string {
    const f = fixture();
    const created = f.store.create(first, { actor: 'kubectl' });
    const next = deepClone(created) as Obj;
    edit(next);
    try {
      f.store.update(next as KObject, { actor: 'kubectl' });
      return 'updated';
    } catch (e) {
      if (isApiError(e)) return kubectlMessage(e);
      throw e;
    }
  }

  it('a Deployment selector is immutable', () => {
    expect(
      updateMessage(deployment(), (d) => {
        d.spec.selector.matchLabels = { app: 'web2' };
        d.spec.template.metadata.labels = { app: 'web2' };
      }),
    ).toBe(
      'The Deployment "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
  });

  it('ReplicaSet and DaemonSet selectors are immutable too', () => {
    const rs = deployment((d) => {
      d.kind = 'ReplicaSet';
      delete d.spec.strategy;
    });
    expect(
      updateMessage(rs, (d) => {
        d.spec.selector.matchLabels = { app: 'web', tier: 'x' };
        d.spec.template.metadata.labels = { app: 'web', tier: 'x' };
      }),
    ).toBe(
      'The ReplicaSet "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
    expect(
      updateMessage(daemonSet(), (d) => {
        d.spec.selector = { matchLabels: { name: 'agent' } };
        d.spec.template.metadata.labels = { name: 'agent' };
      }),
    ).toBe(
      'The DaemonSet "agent" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"name":"agent"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
  });

  it('scaling and changing the template are allowed', () => {
    expect(
      updateMessage(deployment(), (d) => {
        d.spec.replicas = 5;
        d.spec.template.spec.containers[0].image = 'nginx:1.26';
      }),
    ).toBe('updated');
  });

  it('an update is validated like a create', () => {
    expect(updateMessage(deployment(), (d) => (d.spec.replicas = -2))).toBe(
      'The Deployment "web" is invalid: spec.replicas: Invalid value: -2: must be greater than or equal to 0',
    );
    expect(updateMessage(deployment(), (d) => (d.spec.replicas = 'two'))).toBe(
      'Error from server (BadRequest): Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
  });

  it('immutable ConfigMaps keep their data', () => {
    const cm: KObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cm' },
      data: { a: '1' },
      immutable: true,
    };
    expect(updateMessage(cm, (c) => (c.data.a = '2'))).toBe(
      'The ConfigMap "cm" is invalid: data: Forbidden: field is immutable when `immutable` is set',
    );
  });
});

describe('name and syntax rules', () => {
  it.each([
    ['web', [], [], []],
    ['web.example.com', [], ['label'], ['1035']],
    ['1web', [], [], ['1035']],
    ['Web', ['sub'], ['label'], ['1035']],
    ['-web', ['sub'], ['label'], ['1035']],
    ['web-', ['sub'], ['label'], ['1035']],
    ['a'.repeat(63), [], [], []],
    ['a'.repeat(64), [], ['label'], ['1035']],
  ] as const)('%s', (name, sub, label, dns1035) => {
    expect(isDNS1123Subdomain(name).length > 0).toBe(sub.length > 0);
    expect(isDNS1123Label(name).length > 0).toBe(label.length > 0);
    expect(isDNS1035Label(name).length > 0).toBe(dns1035.length > 0);
  });

  it.each([
    ['http', []],
    ['123-abc', []],
    ['web', []],
    ['123_abc', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']],
    ['-web', ['must not begin or end with a hyphen']],
    ['8080', ['must contain at least one letter (a-z)']],
  ])('port name %s', (name, expected) => {
    expect(isValidPortName(name)).toEqual(expected);
  });

  it.each([
    ['app', 0],
    ['app.kubernetes.io/name', 0],
    ['kubernetes.io/', 2], // empty, and then not matching the regex either
    ['/name', 1],
    ['a/b/c', 1],
  ])('qualified name %s', (name, errors) => {
    expect(isQualifiedName(name)).toHaveLength(errors);
  });

  it.each([
    ['::1', true],
    ['2001:db8::ffff', true],
    ['fe80::1:2:3:4:5:6', true],
    ['::ffff:10.0.0.1', true],
    ['1:2:3:4:5:6:7:8', true],
    ['1:2:3:4:5:6:7:8:9', false],
    ['1::2::3', false],
    ['10.0.0.1', false],
    ['g::1', false],
  ])('IPv6 %s', (ip, ok) => {
    expect(isIPv6(ip)).toBe(ok);
  });
});

describe('strict decoding data', () => {
  it('lists unknown fields for editor markers', () => {
    const d = deployment((x) => {
      x.spec.template.spec.containers[0].port = 80;
      x.spec.selector.matchLabel = {};
    });
    expect(unknownFields(d)).toEqual([
      'spec.selector.matchLabel',
      'spec.template.spec.containers[0].port',
    ]);
  });

  it('accepts every field a kubeadm cluster writes', () => {
    const good: KObject[] = [
      deployment(),
      pod(),
      service(),
      daemonSet(),
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.244.1.2'], conditions: { ready: true }, nodeName: 'node1' }],
        ports: [{ name: '', port: 80, protocol: 'TCP' }],
      },
    ];
    for (const o of good) expect(strictDecodeError(o)).toBeUndefined();
  });

  it.each([
    { name: 'a clean pod', extra: {}, want: true },
    { name: 'an unknown top-level field', extra: { bogus: 1 }, want: false },
    { name: 'a wrong type in metadata', extra: { metadata: { name: 7 } }, want: false },
    { name: 'anything in the skipped spec', extra: { spec: { nope: true } }, want: true },
  ])('decodesCleanlyWithout(pod, spec): $name', ({ extra, want }) => {
    const p = { ...pod(), ...extra } as KObject;
    expect(decodesCleanlyWithout(p, 'spec')).toBe(want);
    const rest: KObject = { ...p };
    delete rest.spec;
    expect(strictDecodeError(rest) === undefined).toBe(want);
  });
});

describe('validatePodSpec (remembers specs that passed)', () => {
  const spec = () => ({
    containers: [
      { name: 'web', image: 'nginx', terminationMessagePolicy: 'File', imagePullPolicy: 'Always' },
    ],
    restartPolicy: 'Always',
    dnsPolicy: 'ClusterFirst',
  });

  it('gives the same answers for equal specs, and a fresh list each time', () => {
    const a = validatePodSpec(spec(), 'spec');
    const b = validatePodSpec(spec(), 'spec');
    expect([a, b]).toEqual([[], []]);
    expect(a).not.toBe(b);
    b.push({ type: 'Invalid', field: 'x', detail: '' }); // a caller appending changes nothing
    expect(validatePodSpec(spec(), 'spec')).toEqual([]);
  });

  it('still reports what is wrong with a spec that differs, or is edited after passing', () => {
    const s = spec();
    expect(validatePodSpec(s, 'spec')).toEqual([]);
    s.containers[0]!.name = 'Web';
    expect(validatePodSpec(s, 'spec').map((e) => e.field)).toEqual(['spec.containers[0].name']);
    expect(
      validatePodSpec({ ...spec(), restartPolicy: 'Sometimes' }, 'spec').map((e) => e.field),
    ).toEqual(['spec.restartPolicy']);
    expect(validatePodSpec(spec(), 'spec.template.spec')).toEqual([]);
  });
});

describe('validateLabels (remembers frozen label maps that passed)', () => {
  it.each([
    { labels: { app: 'web', 'example.com/tier': 'front' }, errors: 0 },
    { labels: { 'bad key!': 'x' }, errors: 1 },
    { labels: { app: 'not valid!' }, errors: 1 },
  ])('gives the same errors every time for $labels, frozen or not', ({ labels, errors }) => {
    const plain = validateLabels({ ...labels }, 'metadata.labels');
    const frozen = deepFreeze({ ...labels });
    expect(plain.length).toBe(errors);
    for (let i = 0; i < 3; i++) expect(validateLabels(frozen, 'metadata.labels')).toEqual(plain);
    // Callers append to the answer: it is a fresh array each time.
    expect(validateLabels(frozen, 'metadata.labels')).not.toBe(
      validateLabels(frozen, 'metadata.labels'),
    );
  });
});

describe('properties', () => {
  const kinds = KINDS.map((k) => k.kind);
  const jsonish = fc.jsonValue({ maxDepth: 6 });
  const objectArb = fc.record({
    apiVersion: fc.oneof(fc.constantFrom('v1', 'apps/v1', 'networking.k8s.io/v1'), jsonish),
    kind: fc.constantFrom(...kinds),
    metadata: fc.oneof(
      fc.record({ name: fc.oneof(fc.string(), jsonish), labels: jsonish }, { requiredKeys: [] }),
      jsonish,
    ),
    spec: jsonish,
    data: jsonish,
    status: jsonish,
  });

  it('validation, decoding and defaulting never throw, whatever the object', () => {
    fc.assert(
      fc.property(objectArb, objectArb, (a, b) => {
        const o = a as unknown as KObject;
        const old = b as unknown as KObject;
        validateObject(o);
        validateObjectUpdate(o, old);
        strictDecodeError(o);
        unknownFields(o);
      }),
      { numRuns: 500 },
    );
  });

  it('mutated valid workloads through the store fail only with ApiErrors', () => {
    const paths: Array<(d: Obj, v: unknown) => void> = [
      (d, v) => (d.spec.replicas = v),
      (d, v) => (d.spec.selector = v),
      (d, v) => (d.spec.template = v),
      (d, v) => (d.spec.template.spec.containers = v),
      (d, v) => (d.spec.template.spec.containers[0].ports = v),
      (d, v) => (d.spec.strategy = v),
      (d, v) => (d.metadata.labels = v),
      (d, v) => (d.spec = v),
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: paths.length - 1 }),
        fc.jsonValue({ maxDepth: 4 }),
        (i, v) => {
          const d = deployment((x) => paths[i]!(x, v));
          const f = fixture();
          try {
            f.store.create(d, { actor: 'kubectl' });
          } catch (e) {
            expect(isApiError(e)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
