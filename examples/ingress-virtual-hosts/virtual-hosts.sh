# Name-based virtual hosts behind ingress-nginx: the Host header picks the Service.
# Run it: npm run --silent sim -- examples/ingress-virtual-hosts/virtual-hosts.sh

playground addons enable ingress-nginx
cat virtual-hosts.yml
kubectl apply -f virtual-hosts.yml
sleep 80
kubectl get pods
kubectl get ingress
kubectl describe ingress sites

# From a node, on the controller's NodePort: the same address, three sites.
NODEPORT=$(kubectl get svc ingress-nginx-controller -n ingress-nginx -o jsonpath='{.spec.ports[0].nodePort}')
curl -sI -H 'Host: www.example.com' http://192.168.100.12:$NODEPORT/
curl -s -H 'Host: blog.example.com' http://192.168.100.12:$NODEPORT/
# A wildcard matches exactly one label. A path none of its rules match gets the Ingress's
# defaultBackend; a host no Ingress names gets the controller's 404 (ingress-nginx uses an
# Ingress's defaultBackend for every host only when the Ingress has no rules).
curl -s -H 'Host: shop.example.com' http://192.168.100.12:$NODEPORT/index.html | head -4
curl -s -H 'Host: shop.example.com' http://192.168.100.12:$NODEPORT/
curl -s -H 'Host: a.b.example.com' http://192.168.100.12:$NODEPORT/index.html
curl -s http://192.168.100.12:$NODEPORT/

# From a pod, through the controller Service's ClusterIP.
CLUSTERIP=$(kubectl get svc ingress-nginx-controller -n ingress-nginx -o jsonpath='{.spec.clusterIP}')
kubectl exec client -- curl -s -H 'Host: blog.example.com' http://$CLUSTERIP/
