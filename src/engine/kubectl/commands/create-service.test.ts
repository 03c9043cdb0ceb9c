/**
 * `kubectl create service clusterip|nodeport|loadbalancer|externalname`: the objects kubectl 1.30
 * builds (create_service.go createService, and the expectations of its create_service_test.go),
 * what the API server then allocates, the help texts and the errors, compared exactly.
 */
import type { Service } from 'kubernetes-types/core/v1';
import { describe, expect, test } from 'vitest';
import type { KObject } from '../../api/types';
import { dataplaneOf } from '../../network/dataplane';
import { kubectlFixture } from '../testing';
import type { KubectlFixture } from '../testing';
import { createCommand } from './create';
import {
  buildService,
  createServiceClusterIPCommand,
  createServiceCommand,
  createServiceExternalNameCommand,
  createServiceLoadBalancerCommand,
  createServiceNodePortCommand,
  parsePorts,
  validateServiceOptions,
} from './create-service';
import type { ServiceOptions } from './create-service';

const ok = (stdout: string) => ({ stdout, stderr: '', exitCode: 0 });
const fail = (stderr: string) => ({ stdout: '', stderr, exitCode: 1 });

type StoredService = Service & KObject;

const service = (k: KubectlFixture, name: string, ns = 'default'): StoredService => {
  const s = k.cluster.store.get('Service', ns, name);
  if (!s) throw new Error(`no service ${name}`);
  return s as StoredService;
};

const serviceNames = (k: KubectlFixture, ns = 'default'): string[] =>
  k.cluster.store.list('Service', { namespace: ns }).map((s) => s.metadata.name ?? '');

/** kubectl's table: each column padded to its widest cell plus three blanks (tabwriter). */
const table = (rows: string[][]): string => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]! + 3) : c)).join('') + '\n')
    .join('');
};
const SVC_HEADER = ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'];

// ------------------------------------------------------------------------------------ help

const DRY_RUN_HELP = `    --dry-run='none':
\tMust be "none", "server", or "client". If client strategy, only print the object that would be sent, without
\tsending it. If server strategy, submit server-side request without persisting the resource.
`;
const FIELD_MANAGER_HELP = `    --field-manager='kubectl-create':
\tName of the manager used to track field ownership.
`;
const OUTPUT_TO_VALIDATE_HELP = `    -o, --output='':
\tOutput format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath,
\tjsonpath-as-json, jsonpath-file).

    --save-config=false:
\tIf true, the configuration of current object will be saved in its annotation. Otherwise, the annotation will
\tbe unchanged. This flag is useful when you want to perform kubectl apply on this object in the future.

    --tcp=[]:
\tPort pairs can be specified as '<port>:<targetPort>'.

    --validate='strict':
\tMust be one of: strict (or true), warn, ignore (or false). \t\t"true" or "strict" will use a schema to validate
\tthe input and fail the request if invalid. It will perform server side validation if ServerSideFieldValidation
\tis enabled on the api-server, but will fall back to less reliable client-side validation if not. \t\t"warn" will
\twarn about unknown or duplicate fields without blocking the request if server-side field validation is enabled
\ton the API server, and behave as "ignore" otherwise. \t\t"false" or "ignore" will not perform any schema
\tvalidation, silently dropping any unknown or duplicate fields.
`;
const TIP =
  'Use "kubectl options" for a list of global command-line options (applies to all commands).\n';

const SERVICE_HELP = `Create a service using a specified subcommand.

Aliases:
service, svc

Available Commands:
  clusterip      Create a ClusterIP service
  externalname   Create an ExternalName service
  loadbalancer   Create a LoadBalancer service
  nodeport       Create a NodePort service

Usage:
  kubectl create service [flags] [options]

Use "kubectl create service <command> --help" for more information about a given command.
${TIP}`;

const CLUSTERIP_HELP = `Create a ClusterIP service with the specified name.

Examples:
  # Create a new ClusterIP service named my-cs
  kubectl create service clusterip my-cs --tcp=5678:8080
  
  # Create a new ClusterIP service named my-cs (in headless mode)
  kubectl create service clusterip my-cs --clusterip="None"

Options:
    --clusterip='':
\tAssign your own ClusterIP or set to 'None' for a 'headless' service (no loadbalancing).

${DRY_RUN_HELP}
${FIELD_MANAGER_HELP}
${OUTPUT_TO_VALIDATE_HELP}
Usage:
  kubectl create service clusterip NAME [--tcp=<port>:<targetPort>] [--dry-run=server|client|none] [options]

${TIP}`;

const NODEPORT_HELP = `Create a NodePort service with the specified name.

Examples:
  # Create a new NodePort service named my-ns
  kubectl create service nodeport my-ns --tcp=5678:8080

Options:
${DRY_RUN_HELP}
${FIELD_MANAGER_HELP}
    --node-port=0:
\tPort used to expose the service on each node in a cluster.

${OUTPUT_TO_VALIDATE_HELP}
Usage:
  kubectl create service nodeport NAME [--tcp=port:targetPort] [--dry-run=server|client|none] [options]

${TIP}`;

const LOADBALANCER_HELP = `Create a LoadBalancer service with the specified name.

Examples:
  # Create a new LoadBalancer service named my-lbs
  kubectl create service loadbalancer my-lbs --tcp=5678:8080

Options:
${DRY_RUN_HELP}
${FIELD_MANAGER_HELP}
${OUTPUT_TO_VALIDATE_HELP}
Usage:
  kubectl create service loadbalancer NAME [--tcp=port:targetPort] [--dry-run=server|client|none] [options]

${TIP}`;

const EXTERNALNAME_HELP = `Create an ExternalName service with the specified name.

 ExternalName service references to an external DNS address instead of only pods, which will allow application authors
to reference services that exist off platform, on other clusters, or locally.

Examples:
  # Create a new ExternalName service named my-ns
  kubectl create service externalname my-ns --external-name bar.com

Options:
${DRY_RUN_HELP}
    --external-name='':
\tExternal name of service

${FIELD_MANAGER_HELP}
${OUTPUT_TO_VALIDATE_HELP}
Usage:
  kubectl create service externalname NAME --external-name external.name [--dry-run=server|client|none] [options]

${TIP}`;

describe('help', () => {
  test('kubectl create lists service among its sub-commands', () => {
    expect(createCommand.subcommands).toContain(createServiceCommand);
    expect(k0().run('create --help').stdout).toContain(
      '\n  service               Create a service using a specified subcommand\n',
    );
  });

  test.each([
    // cmdutil.DefaultSubCommandRun: the help on stderr, exit 1.
    ['create service', fail(SERVICE_HELP)],
    ['create svc', fail(SERVICE_HELP)],
    ['create service --help', ok(SERVICE_HELP)],
    ['create svc -h', ok(SERVICE_HELP)],
    ['help create service', ok(SERVICE_HELP)],
    [
      'create service headless x',
      fail(
        'error: unknown command "headless"\nSee \'kubectl create service -h\' for help and examples\n',
      ),
    ],
    ['create service clusterip --help', ok(CLUSTERIP_HELP)],
    ['create svc clusterip -h', ok(CLUSTERIP_HELP)],
    ['create service nodeport --help', ok(NODEPORT_HELP)],
    ['create service loadbalancer x --tcp=80 --help', ok(LOADBALANCER_HELP)],
    ['create service externalname --help', ok(EXTERNALNAME_HELP)],
  ])('kubectl %s', (line, expected) => {
    expect(k0().run(line)).toEqual(expected);
  });

  test.each([
    createServiceClusterIPCommand,
    createServiceNodePortCommand,
    createServiceLoadBalancerCommand,
    createServiceExternalNameCommand,
  ])('$name: lists exactly its flags, no line wider than 120', (cmd) => {
    const heads = [...cmd.help.matchAll(/^ {4}(?:-(\w), )?--([\w-]+)=/gm)].map((m) => m[2]);
    expect(heads).toEqual(cmd.flags.map((f) => f.name).sort());
    for (const line of cmd.help.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
  });
});

/** A fresh cluster per test that does not care about its state. */
function k0(): KubectlFixture {
  return kubectlFixture();
}

// ------------------------------------------------------------------------- client dry run

describe('--dry-run=client -o yaml: the object kubectl builds', () => {
  test.each([
    [
      'create service clusterip my-cs --tcp=5678:8080 --dry-run=client -o yaml',
      `apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: my-cs
  name: my-cs
spec:
  ports:
  - name: 5678-8080
    port: 5678
    protocol: TCP
    targetPort: 8080
  selector:
    app: my-cs
  type: ClusterIP
status:
  loadBalancer: {}
`,
    ],
    [
      'create service clusterip my-cs --clusterip="None" --dry-run=client -o yaml',
      `apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: my-cs
  name: my-cs
spec:
  clusterIP: None
  selector:
    app: my-cs
  type: ClusterIP
status:
  loadBalancer: {}
`,
    ],
    [
      // Repeated and comma-separated --tcp; a bare port targets itself; a named target port.
      'create svc clusterip multi --tcp=443:https,80 --tcp=8080:8443 --dry-run=client -o yaml',
      `apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: multi
  name: multi
spec:
  ports:
  - name: 443-https
    port: 443
    protocol: TCP
    targetPort: https
  - name: "80"
    port: 80
    protocol: TCP
    targetPort: 80
  - name: 8080-8443
    port: 8080
    protocol: TCP
    targetPort: 8443
  selector:
    app: multi
  type: ClusterIP
status:
  loadBalancer: {}
`,
    ],
    [
      'create service nodeport my-ns --tcp=5678:8080 --node-port=30080 --dry-run=client -o yaml',
      `apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: my-ns
  name: my-ns
spec:
  ports:
  - name: 5678-8080
    nodePort: 30080
    port: 5678
    protocol: TCP
    targetPort: 8080
  selector:
    app: my-ns
  type: NodePort
status:
  loadBalancer: {}
`,
    ],
    [
      // -n puts the namespace in the object (EnforceNamespace).
      'create service loadbalancer my-lbs --tcp=5678:8080 -n kube-public --dry-run=client -o yaml',
      `apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: my-lbs
  name: my-lbs
  namespace: kube-public
spec:
  ports:
  - name: 5678-8080
    port: 5678
    protocol: TCP
    targetPort: 8080
  selector:
    app: my-lbs
  type: LoadBalancer
status:
  loadBalancer: {}
`,
    ],
    [
      // The selector is set for ExternalName too; no ports without --tcp.
      'create service externalname my-ns --external-name bar.com --dry-run=client -o yaml',
      `apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: my-ns
  name: my-ns
spec:
  externalName: bar.com
  selector:
    app: my-ns
  type: ExternalName
status:
  loadBalancer: {}
`,
    ],
    [
      'create service externalname my-ns --external-name=bar.com --tcp=443 --dry-run=client -o yaml',
      `apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: my-ns
  name: my-ns
spec:
  externalName: bar.com
  ports:
  - name: "443"
    port: 443
    protocol: TCP
    targetPort: 443
  selector:
    app: my-ns
  type: ExternalName
status:
  loadBalancer: {}
`,
    ],
  ])('kubectl %s', (line, yaml) => {
    const k = kubectlFixture();
    expect(k.run(line)).toEqual(ok(yaml));
    expect(serviceNames(k)).toEqual(['kubernetes']);
    expect(serviceNames(k, 'kube-public')).toEqual([]);
  });

  test('-o json prints Go struct order', () => {
    const k = kubectlFixture();
    expect(
      k.run('create service nodeport web --tcp=80:http --node-port=30001 --dry-run=client -o json'),
    ).toEqual(
      ok(`{
    "kind": "Service",
    "apiVersion": "v1",
    "metadata": {
        "name": "web",
        "creationTimestamp": null,
        "labels": {
            "app": "web"
        }
    },
    "spec": {
        "ports": [
            {
                "name": "80-http",
                "protocol": "TCP",
                "port": 80,
                "targetPort": "http",
                "nodePort": 30001
            }
        ],
        "selector": {
            "app": "web"
        },
        "type": "NodePort"
    },
    "status": {
        "loadBalancer": {}
    }
}
`),
    );
  });

  test('--save-config: the last-applied annotation, as the typed object encodes', () => {
    const k = kubectlFixture();
    expect(
      k.run(
        'create service clusterip sc --tcp=80 --save-config -n kube-system --dry-run=client -o yaml',
      ),
    ).toEqual(
      ok(`apiVersion: v1
kind: Service
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {"kind":"Service","apiVersion":"v1","metadata":{"name":"sc","namespace":"kube-system","creationTimestamp":null,"labels":{"app":"sc"}},"spec":{"ports":[{"name":"80","protocol":"TCP","port":80,"targetPort":80}],"selector":{"app":"sc"},"type":"ClusterIP"},"status":{"loadBalancer":{}}}
  creationTimestamp: null
  labels:
    app: sc
  name: sc
  namespace: kube-system
spec:
  ports:
  - name: "80"
    port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: sc
  type: ClusterIP
status:
  loadBalancer: {}
`),
    );
  });
});

// --------------------------------------------------------------------------------- create

describe('creating', () => {
  test.each([
    ['create service clusterip a --tcp=80', ok('service/a created\n')],
    ['create svc clusterip a --tcp=80 -o name', ok('service/a\n')],
    ['create service clusterip a --tcp=80 --dry-run=client', ok('service/a created (dry run)\n')],
    [
      'create service clusterip a --tcp=80 --dry-run=server',
      ok('service/a created (server dry run)\n'),
    ],
    ['create service clusterip a --tcp=80 --dry-run=client -o name', ok('service/a\n')],
    [
      'create service nodeport a --tcp=80 --field-manager=me --validate=false',
      ok('service/a created\n'),
    ],
    // NameFromCommandArgs counts only the words before `--`.
    ['create service clusterip a --tcp=80 -- extra', ok('service/a created\n')],
  ])('kubectl %s', (line, expected) => {
    const k = kubectlFixture();
    expect(k.run(line)).toEqual(expected);
    const stored = line.includes('--dry-run') ? ['kubernetes'] : ['a', 'kubernetes'];
    expect(serviceNames(k).sort()).toEqual(stored);
  });

  test('ClusterIP: the API server allocates the address (or keeps the one asked for)', () => {
    const k = kubectlFixture();
    expect(k.run('create service clusterip my-cs --tcp=5678:8080 --clusterip=10.96.0.50')).toEqual(
      ok('service/my-cs created\n'),
    );
    expect(k.run('create service clusterip headless --clusterip=None')).toEqual(
      ok('service/headless created\n'),
    );
    expect(k.run('create service externalname ext --external-name=db.example.com')).toEqual(
      ok('service/ext created\n'),
    );
    expect(k.run('get svc')).toEqual(
      ok(
        table([
          SVC_HEADER,
          ['ext', 'ExternalName', '<none>', 'db.example.com', '<none>', '0s'],
          ['headless', 'ClusterIP', 'None', '<none>', '<none>', '0s'],
          ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP', '10m'],
          ['my-cs', 'ClusterIP', '10.96.0.50', '<none>', '5678/TCP', '0s'],
        ]),
      ),
    );
    const cs = service(k, 'my-cs');
    expect(cs.metadata.labels).toEqual({ app: 'my-cs' });
    expect(cs.spec).toEqual({
      clusterIP: '10.96.0.50',
      clusterIPs: ['10.96.0.50'],
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      ports: [{ name: '5678-8080', port: 5678, protocol: 'TCP', targetPort: 8080 }],
      selector: { app: 'my-cs' },
      sessionAffinity: 'None',
      type: 'ClusterIP',
    });
    expect(service(k, 'ext').spec).toEqual({
      externalName: 'db.example.com',
      selector: { app: 'ext' },
      sessionAffinity: 'None',
      type: 'ExternalName',
    });
  });

  test('an allocated ClusterIP, printed by -o yaml after the create', () => {
    const k = kubectlFixture();
    const r = k.run('create service clusterip web --tcp=80:8080 -o yaml');
    const svc = service(k, 'web');
    const ip = svc.spec!.clusterIP!;
    expect(ip).toMatch(/^10\.(9[6-9]|1[01][0-9]|12[0-7])\.\d+\.\d+$/);
    expect(r).toEqual(
      ok(`apiVersion: v1
kind: Service
metadata:
  creationTimestamp: "2024-06-03T08:10:00Z"
  generation: 1
  labels:
    app: web
  name: web
  namespace: default
  resourceVersion: "${svc.metadata.resourceVersion}"
  uid: ${svc.metadata.uid}
spec:
  clusterIP: ${ip}
  clusterIPs:
  - ${ip}
  internalTrafficPolicy: Cluster
  ipFamilies:
  - IPv4
  ipFamilyPolicy: SingleStack
  ports:
  - name: 80-8080
    port: 80
    protocol: TCP
    targetPort: 8080
  selector:
    app: web
  sessionAffinity: None
  type: ClusterIP
status:
  loadBalancer: {}
`),
    );
  });

  test('NodePort: the port asked for, or one from 30000-32767', () => {
    const k = kubectlFixture();
    expect(k.run('create service nodeport fixed --tcp=80:8080 --node-port=30080')).toEqual(
      ok('service/fixed created\n'),
    );
    expect(k.run('create service nodeport any --tcp=443:https')).toEqual(
      ok('service/any created\n'),
    );
    const fixed = service(k, 'fixed');
    expect(fixed.spec!.ports).toEqual([
      { name: '80-8080', nodePort: 30080, port: 80, protocol: 'TCP', targetPort: 8080 },
    ]);
    expect(fixed.spec!.externalTrafficPolicy).toBe('Cluster');
    const any = service(k, 'any');
    const nodePort = any.spec!.ports![0]!.nodePort!;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(nodePort).toBeLessThanOrEqual(32767);
    expect(k.run('get svc fixed any')).toEqual(
      ok(
        table([
          SVC_HEADER,
          ['fixed', 'NodePort', fixed.spec!.clusterIP!, '<none>', '80:30080/TCP', '0s'],
          ['any', 'NodePort', any.spec!.clusterIP!, '<none>', `443:${nodePort}/TCP`, '0s'],
        ]),
      ),
    );
  });

  test('LoadBalancer: a node port, EXTERNAL-IP pending until a cloud load balancer exists', () => {
    const k = kubectlFixture();
    expect(k.run('create service loadbalancer my-lbs --tcp=5678:8080')).toEqual(
      ok('service/my-lbs created\n'),
    );
    const lb = service(k, 'my-lbs');
    const nodePort = lb.spec!.ports![0]!.nodePort!;
    expect(nodePort).toBeGreaterThanOrEqual(30000);
    expect(nodePort).toBeLessThanOrEqual(32767);
    const row = (external: string, age: string) =>
      table([
        SVC_HEADER,
        ['my-lbs', 'LoadBalancer', lb.spec!.clusterIP!, external, `5678:${nodePort}/TCP`, age],
      ]);
    k.cluster.settle();
    expect(k.run('get svc my-lbs')).toEqual(ok(row('<pending>', '0s')));
    // The playground's simulated cloud hands out addresses from 203.0.113.10 upward.
    dataplaneOf(k.cluster.context).update({ cloudLB: true });
    k.cluster.advance(1_000);
    expect(service(k, 'my-lbs').status).toEqual({
      loadBalancer: { ingress: [{ ip: '203.0.113.10' }] },
    });
    expect(k.run('get svc my-lbs')).toEqual(ok(row('203.0.113.10', '1s')));
  });

  test('the selector app=NAME picks the pods of `kubectl create deployment NAME`', () => {
    const k = kubectlFixture();
    k.run('create deployment web --image=nginx --replicas=2');
    expect(k.run('create service clusterip web --tcp=80')).toEqual(ok('service/web created\n'));
    k.cluster.advance(60_000);
    const ready = k.cluster.store
      .list('Pod', { namespace: 'default' })
      .map((p) => (p.status as { podIP?: string }).podIP)
      .sort();
    expect(ready.length).toBe(2);
    for (const ip of ready) expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const endpoints = k.cluster.store.get('Endpoints', 'default', 'web') as
      (KObject & { subsets?: Array<{ addresses?: Array<{ ip: string }> }> }) | undefined;
    expect(endpoints?.subsets?.[0]?.addresses?.map((a) => a.ip).sort()).toEqual(ready);
  });

  test('--save-config stores the last-applied annotation', () => {
    const k = kubectlFixture();
    expect(k.run('create service nodeport np --tcp=80 --node-port=30100 --save-config')).toEqual(
      ok('service/np created\n'),
    );
    expect(service(k, 'np').metadata.annotations).toEqual({
      'kubectl.kubernetes.io/last-applied-configuration':
        '{"kind":"Service","apiVersion":"v1","metadata":{"name":"np","creationTimestamp":null,"labels":{"app":"np"}},"spec":{"ports":[{"name":"80","protocol":"TCP","port":80,"targetPort":80,"nodePort":30100}],"selector":{"app":"np"},"type":"NodePort"},"status":{"loadBalancer":{}}}\n',
    });
  });

  test('an existing name: the API error, wrapped with the service type', () => {
    const k = kubectlFixture();
    k.run('create service clusterip x --tcp=80');
    expect(k.run('create service clusterip x --tcp=80')).toEqual(
      fail('error: failed to create ClusterIP service: services "x" already exists\n'),
    );
    expect(k.run('create service loadbalancer x --tcp=80 --dry-run=server')).toEqual(
      fail('error: failed to create LoadBalancer service: services "x" already exists\n'),
    );
    expect(k.run('create service externalname x --external-name=a.b')).toEqual(
      fail('error: failed to create ExternalName service: services "x" already exists\n'),
    );
  });
});

// --------------------------------------------------------------------------------- errors

describe('errors', () => {
  test.each([
    [
      'create service clusterip',
      "error: exactly one NAME is required, got 0\nSee 'kubectl create service clusterip -h' for help and examples\n",
    ],
    [
      'create service nodeport a b --tcp=80',
      "error: exactly one NAME is required, got 2\nSee 'kubectl create service nodeport -h' for help and examples\n",
    ],
    // cobra checks the required flag before Run (and so before the name).
    ['create service externalname', 'error: required flag(s) "external-name" not set\n'],
    ['create service externalname x', 'error: required flag(s) "external-name" not set\n'],
    [
      'create service externalname --external-name=a.com',
      "error: exactly one NAME is required, got 0\nSee 'kubectl create service externalname -h' for help and examples\n",
    ],
    [
      'create service externalname x --external-name=Bad_Name',
      'error: invalid service external name Bad_Name\n',
    ],
    ['create service externalname x --external-name=', 'error: invalid service external name \n'],
    ['create service clusterip x', 'error: at least one tcp port specifier must be provided\n'],
    ['create service nodeport x', 'error: at least one tcp port specifier must be provided\n'],
    ['create service loadbalancer x', 'error: at least one tcp port specifier must be provided\n'],
    [
      'create service clusterip x --tcp=65536',
      'error: strconv.ParseUint: parsing "65536": value out of range\n',
    ],
    [
      'create service clusterip x --tcp=http',
      'error: strconv.ParseUint: parsing "http": invalid syntax\n',
    ],
    [
      'create service clusterip x --tcp=:80',
      'error: strconv.ParseUint: parsing "": invalid syntax\n',
    ],
    [
      'create service clusterip x --tcp=-1:80',
      'error: strconv.ParseUint: parsing "-1": invalid syntax\n',
    ],
    ['create service clusterip x --tcp=8080:-abc', 'error: must not begin or end with a hyphen\n'],
    ['create service clusterip x --tcp=8080:0', 'error: must be between 1 and 65535, inclusive\n'],
    [
      'create service clusterip x --tcp=8080:70000',
      'error: must be between 1 and 65535, inclusive\n',
    ],
    [
      'create service clusterip x --tcp=8080:',
      'error: must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-),must contain at least one letter (a-z)\n',
    ],
    [
      'create service clusterip x --tcp=8080:a-very-long-port-name',
      'error: must be no more than 15 characters\n',
    ],
    [
      'create service clusterip x --tcp=80 --dry-run=maybe',
      'error: Invalid dry-run value (maybe). Must be "none", "server", or "client".\n',
    ],
    [
      'create service clusterip x --tcp=80 -o wide',
      'error: unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml\n',
    ],
    [
      'create service clusterip x --tcp=80 --validate=maybe',
      'error: invalid - validate option "maybe"; must be one of: strict (or true), warn, ignore (or false)\n',
    ],
    [
      'create service nodeport x --tcp=80 --clusterip=None',
      "error: unknown flag: --clusterip\nSee 'kubectl create service nodeport --help' for usage.\n",
    ],
    [
      'create service loadbalancer x --tcp=80 --node-port=30000',
      "error: unknown flag: --node-port\nSee 'kubectl create service loadbalancer --help' for usage.\n",
    ],
    [
      'create service nodeport x --tcp=80 --node-port=http',
      'error: invalid argument "http" for "--node-port" flag: strconv.ParseInt: parsing "http": invalid syntax\nSee \'kubectl create service nodeport --help\' for usage.\n',
    ],
    // The API server's answers, wrapped.
    [
      'create service clusterip x --tcp=80 --clusterip=1.2.3',
      'error: failed to create ClusterIP service: Service "x" is invalid: spec.clusterIPs[0]: Invalid value: "1.2.3": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)\n',
    ],
    [
      'create service clusterip x --tcp=80 --clusterip=192.168.0.1',
      'error: failed to create ClusterIP service: Service "x" is invalid: spec.clusterIPs: Invalid value: []string{"192.168.0.1"}: failed to allocate IP 192.168.0.1: the provided IP (192.168.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12\n',
    ],
    [
      'create service nodeport x --tcp=80 --node-port=80',
      'error: failed to create NodePort service: Service "x" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767\n',
    ],
    [
      // One --node-port is set on every port (upstream does so), hence a duplicate.
      'create service nodeport x --tcp=80,443 --node-port=30001',
      'error: failed to create NodePort service: Service "x" is invalid: spec.ports[1].nodePort: Duplicate value: 30001\n',
    ],
    [
      'create service clusterip x --tcp=80 -n nope',
      'error: failed to create ClusterIP service: namespaces "nope" not found\n',
    ],
    [
      'create service clusterip x --tcp=80 -n nope --dry-run=server',
      'error: failed to create ClusterIP service: namespaces "nope" not found\n',
    ],
  ])('kubectl %s', (line, stderr) => {
    const k = kubectlFixture();
    expect(k.run(line)).toEqual(fail(stderr));
    expect(serviceNames(k)).toEqual(['kubernetes']);
  });

  test('a NodePort already taken by another service', () => {
    const k = kubectlFixture();
    k.run('create service nodeport a --tcp=80 --node-port=30500');
    expect(k.run('create service nodeport b --tcp=80 --node-port=30500')).toEqual(
      fail(
        'error: failed to create NodePort service: Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30500: provided port is already allocated\n',
      ),
    );
  });
});

// ---------------------------------------------------------------------------- the pieces

describe('parsePorts', () => {
  test.each([
    ['80', { port: 80, targetPort: 80 }],
    ['0', { port: 0, targetPort: 0 }],
    ['5678:8080', { port: 5678, targetPort: 8080 }],
    ['443:https', { port: 443, targetPort: 'https' }],
    ['080:+90', { port: 80, targetPort: 90 }],
    // A third part is ignored, as upstream ignores it.
    ['1:2:3', { port: 1, targetPort: 2 }],
  ])('%s', (tcp, expected) => {
    expect(parsePorts(tcp)).toEqual(expected);
  });

  test.each([
    [
      '99999999999999999999',
      'strconv.ParseUint: parsing "99999999999999999999": value out of range',
    ],
    ['80:99999999999999999999', 'must contain at least one letter (a-z)'],
    ['80:Http', 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'],
    ['80:a--b', 'must not contain consecutive hyphens'],
  ])('%s fails', (tcp, message) => {
    expect(() => parsePorts(tcp)).toThrow(message);
  });
});

describe('validateServiceOptions and buildService (create_service_test.go cases)', () => {
  const opts = (o: Partial<ServiceOptions>): ServiceOptions => ({
    name: 'x',
    type: 'ClusterIP',
    tcp: [],
    clusterIP: '',
    nodePort: 0,
    externalName: '',
    ...o,
  });

  test.each([
    [
      opts({ type: 'NodePort', clusterIP: 'None' }),
      'ClusterIP=None can only be used with ClusterIP service type',
    ],
    [
      opts({ type: 'NodePort', tcp: ['123'], clusterIP: 'None' }),
      'ClusterIP=None can only be used with ClusterIP service type',
    ],
    [opts({}), 'at least one tcp port specifier must be provided'],
    [
      opts({ type: 'ExternalName', externalName: '@oi:test' }),
      'invalid service external name @oi:test',
    ],
  ])('%j is refused', (o, message) => {
    expect(() => validateServiceOptions(o)).toThrow(message);
  });

  test('my-node-port-service-ok2: --node-port on the port, a named target', () => {
    const o = opts({ name: 'np', type: 'NodePort', tcp: ['80:http'], nodePort: 4444 });
    validateServiceOptions(o);
    expect(buildService(o).spec).toEqual({
      ports: [{ name: '80-http', protocol: 'TCP', port: 80, targetPort: 'http', nodePort: 4444 }],
      selector: { app: 'np' },
      type: 'NodePort',
    });
  });

  test('keys in Go struct order', () => {
    const s = buildService(
      opts({ type: 'ExternalName', tcp: ['1'], clusterIP: '', externalName: 'a.b' }),
    );
    expect(Object.keys(s)).toEqual(['kind', 'apiVersion', 'metadata', 'spec', 'status']);
    expect(Object.keys(s.metadata)).toEqual(['name', 'creationTimestamp', 'labels']);
    expect(Object.keys(s.spec!)).toEqual(['ports', 'selector', 'type', 'externalName']);
    expect(Object.keys(buildService(opts({ clusterIP: 'None' })).spec!)).toEqual([
      'selector',
      'clusterIP',
      'type',
    ]);
  });
});
