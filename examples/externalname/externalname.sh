# An ExternalName Service is a CNAME in the cluster's DNS, nothing else.
# Run it: npm run --silent sim -- examples/externalname/externalname.sh

# 1. The Services: an ExternalName has no CLUSTER-IP; kubectl shows its target as EXTERNAL-IP.
cat externalname.yml
kubectl apply -f externalname.yml
sleep 20
kubectl get svc

# 2. CoreDNS answers with a CNAME, then the target's records (looked up upstream for example.com).
kubectl exec dnsutils -- dig +noall +answer website.default.svc.cluster.local
kubectl exec dnsutils -- nslookup website
# An alias inside the cluster: the CNAME, then the ClusterIP of nginx.
kubectl exec dnsutils -- dig +noall +answer frontend.default.svc.cluster.local

# 3. No proxying: kube-proxy writes no rule for an ExternalName Service.
iptables-save -t nat | grep -c website

# 4. A client only sees the name resolve; HTTP goes to whatever address the target has.
kubectl exec dnsutils -- getent hosts frontend
