/**
 * The DNS tools byte for byte, as golden transcripts a reviewer can read against a real cluster:
 * busybox 1.28's nslookup (the lesson's), busybox 1.36's, BIND's nslookup and dig (9.9.5 in
 * jessie-dnsutils, 9.18's nslookup on the nodes), getent hosts — every record type and every
 * failure, and the same tools with CoreDNS scaled to zero.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createCluster } from '../../cluster';
import { runScript } from '../../transcript';

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
spec:
  replicas: 2
  selector:
    matchLabels: {app: nginx}
  template:
    metadata:
      labels: {app: nginx}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25.3
        ports:
        - {name: http, containerPort: 80}
---
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  selector: {app: nginx}
  ports:
  - {name: http, port: 80}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector: {app: web}
  ports:
  - {name: http, port: 80}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-0
  labels: {app: web}
spec:
  hostname: web-0
  subdomain: web
  containers:
  - {name: nginx, image: nginx:1.25.3}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-1
  labels: {app: web}
spec:
  hostname: web-1
  subdomain: web
  containers:
  - {name: nginx, image: nginx:1.25.3}
---
apiVersion: v1
kind: Service
metadata:
  name: ext
spec:
  type: ExternalName
  externalName: example.com
---
apiVersion: v1
kind: Pod
metadata:
  name: busybox
spec:
  containers:
  - {name: busybox, image: 'busybox:1.28.4', command: [sleep, '9000']}
---
apiVersion: v1
kind: Pod
metadata:
  name: bb
spec:
  containers:
  - {name: bb, image: 'busybox:1.36.1', command: [sleep, '9000']}
---
apiVersion: v1
kind: Pod
metadata:
  name: dflt
spec:
  dnsPolicy: Default
  containers:
  - {name: busybox, image: 'busybox:1.28.4', command: [sleep, '9000']}
---
apiVersion: v1
kind: Pod
metadata:
  name: custom
spec:
  dnsPolicy: None
  dnsConfig:
    nameservers: [8.8.8.8]
    searches: [example.org]
    options:
    - {name: ndots, value: '2'}
  containers:
  - {name: busybox, image: 'busybox:1.28.4', command: [sleep, '9000']}
---
apiVersion: v1
kind: Pod
metadata:
  name: dnsutils
spec:
  containers:
  - name: dnsutils
    image: registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3
    command: [sleep, infinity]
`;

const SETUP = `kubectl apply -f dns.yml
sleep 30
kubectl get pods -o wide
kubectl get svc
`;

const TOOLS = `${SETUP}
# busybox 1.28: the classic nslookup, through the pod's resolver
kubectl exec busybox -- cat /etc/resolv.conf
kubectl exec busybox -- nslookup kubernetes
kubectl exec busybox -- nslookup kubernetes.default
kubectl exec busybox -- nslookup nginx
kubectl exec busybox -- nslookup web
kubectl exec busybox -- nslookup web-0.web
kubectl exec busybox -- nslookup ext
kubectl exec busybox -- nslookup example.com
kubectl exec busybox -- nslookup busybox
kubectl exec busybox -- nslookup 10.96.0.1
kubectl exec busybox -- nslookup $(kubectl get pod web-1 -o jsonpath='{.status.podIP}')
kubectl exec busybox -- nslookup $(kubectl get pod web-1 -o jsonpath='{.status.podIP}' | tr . -).default.pod.cluster.local
kubectl exec busybox -- nslookup kubernetes.default.svc.cluster.local 10.96.0.10
kubectl exec busybox -- nslookup nope
kubectl exec busybox -- nslookup
# dnsPolicy Default: the node's resolver (no cluster domain); None: only dnsConfig
kubectl exec dflt -- cat /etc/resolv.conf
kubectl exec dflt -- nslookup kubernetes
kubectl exec dflt -- nslookup example.com
kubectl exec custom -- cat /etc/resolv.conf
kubectl exec custom -- nslookup www
kubectl exec custom -- nslookup kubernetes.default.svc.cluster.local
# busybox 1.36: the rewritten applet (A and AAAA, the search list only for a dotless name)
kubectl exec bb -- nslookup kubernetes
kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local
kubectl exec bb -- nslookup example.com
kubectl exec bb -- nslookup 10.96.0.10
kubectl exec bb -- nslookup -type=ptr 1.0.96.10.in-addr.arpa
kubectl exec bb -- nslookup -type=srv nginx
# jessie-dnsutils: dig and nslookup from BIND 9.9.5, getent
kubectl exec dnsutils -- dig kubernetes.default.svc.cluster.local
kubectl exec dnsutils -- dig +short web.default.svc.cluster.local
kubectl exec dnsutils -- dig +noall +answer SRV _http._tcp.web.default.svc.cluster.local
kubectl exec dnsutils -- dig SRV _http._tcp.nginx.default.svc.cluster.local
kubectl exec dnsutils -- dig ext.default.svc.cluster.local
kubectl exec dnsutils -- dig -x 10.96.0.10
kubectl exec dnsutils -- dig +noall +answer -x $(kubectl get pod web-0 -o jsonpath='{.status.podIP}')
kubectl exec dnsutils -- dig nope.default.svc.cluster.local
kubectl exec dnsutils -- dig default.svc.cluster.local
kubectl exec dnsutils -- dig @10.96.0.10 example.com
kubectl exec dnsutils -- dig +search +short nginx
kubectl exec dnsutils -- dig TXT dns-version.cluster.local +short
kubectl exec dnsutils -- nslookup nginx
kubectl exec dnsutils -- nslookup ext
kubectl exec dnsutils -- nslookup 10.96.0.1
kubectl exec dnsutils -- nslookup -type=srv _http._tcp.nginx.default.svc.cluster.local
kubectl exec dnsutils -- nslookup nope
kubectl exec dnsutils -- getent hosts nginx web kubernetes.default 10.96.0.1
kubectl exec dnsutils -- getent hosts nope
# the nodes: BIND 9.18's nslookup through systemd-resolved, without the cluster domain
nslookup kubernetes
nslookup kubernetes.default.svc.cluster.local
nslookup kubernetes.default.svc.cluster.local 10.96.0.10
nslookup example.com
nslookup 10.96.0.1 10.96.0.10
getent hosts node1 kubernetes
curl -sS http://nginx/
`;

const SCALED = `${SETUP}
kubectl scale deploy/coredns -n kube-system --replicas=0
sleep 40
kubectl get endpoints kube-dns -n kube-system
ssh node1
iptables-save -t filter | grep kube-dns
exit
date
kubectl exec busybox -- nslookup kubernetes
kubectl exec busybox -- wget -qO- http://nginx/
date
kubectl exec bb -- nslookup kubernetes
date
kubectl exec dnsutils -- dig kubernetes.default.svc.cluster.local
date
kubectl exec dnsutils -- nslookup kubernetes
date
kubectl exec dnsutils -- getent hosts nginx
nslookup kubernetes.default.svc.cluster.local 10.96.0.10
kubectl exec $(kubectl get pods -l app=nginx -o jsonpath='{.items[0].metadata.name}') -- curl -sS http://nginx/
kubectl scale deploy/coredns -n kube-system --replicas=2
sleep 30
kubectl exec busybox -- nslookup kubernetes
`;

const transcript = (script: string): string => {
  const cluster = createCluster({ seed: 1, files: { 'dns.yml': MANIFESTS } });
  return runScript(cluster.shell, script) + '\n';
};

describe('DNS tools (golden transcripts)', () => {
  it('every record type, through every tool', async () => {
    await expect(transcript(TOOLS)).toMatchFileSnapshot(
      join(__dirname, '__golden__', 'dns-tools.txt'),
    );
  });

  it('CoreDNS scaled to zero: what each tool prints, and how long it waits', async () => {
    await expect(transcript(SCALED)).toMatchFileSnapshot(
      join(__dirname, '__golden__', 'coredns-scaled-to-zero.txt'),
    );
  });
});
