# A headless Service: DNS answers with the ready pods' addresses, one A record each.
# Run it: npm run --silent sim -- examples/headless-service/headless.sh

# 1. The Service has no ClusterIP (None); its endpoints carry the pods' hostnames.
cat headless.yml
kubectl apply -f headless.yml
sleep 20
kubectl get svc web
kubectl get pods -o wide
kubectl get endpointslices -l kubernetes.io/service-name=web -o jsonpath='{range .items[0].endpoints[*]}{.hostname} {.addresses[0]}{"\n"}{end}'

# 2. The Service's name: one address per ready pod; each pod by its own name.
kubectl exec busybox -- nslookup web
kubectl exec busybox -- nslookup web-0.web
kubectl exec dnsutils -- dig +noall +answer SRV _http._tcp.web.default.svc.cluster.local
kubectl exec dnsutils -- dig +noall +answer -x $(kubectl get pod web-1 -o jsonpath='{.status.podIP}')

# 3. The pod's own /etc/hosts names it by its FQDN.
kubectl exec web-0 -- cat /etc/hosts

# 4. A pod that is not ready leaves the answer; with none ready, the name does not exist.
kubectl annotate pod web-1 playground/fault=unready
sleep 40
kubectl exec busybox -- nslookup web
kubectl annotate pod web-0 playground/fault=unready
sleep 40
kubectl exec dnsutils -- dig web.default.svc.cluster.local
