# An Ingress fan-out: one host, two Services chosen by the path, behind ingress-nginx.
# Run it: npm run --silent sim -- examples/ingress-fanout/fanout.sh

# 1. The ingress controller: a Deployment, a NodePort Service and the IngressClass nginx.
playground addons enable ingress-nginx
kubectl get pods,svc -n ingress-nginx
kubectl get ingressclass

# 2. Two backends and the Ingress. ADDRESS comes with the controller's next status sync
#    (every 60 s): until then it is empty.
cat fanout.yml
kubectl apply -f fanout.yml
sleep 20
kubectl get pods -o wide
kubectl get ingress
sleep 60
kubectl get ingress
kubectl describe ingress shop

# 3. The controller's NodePort on any node; the Host header and the path pick the Service.
NODEPORT=$(kubectl get svc ingress-nginx-controller -n ingress-nginx -o jsonpath='{.spec.ports[0].nodePort}')
curl -s -H 'Host: shop.example.com' http://192.168.100.11:$NODEPORT/cart
curl -s -H 'Host: shop.example.com' http://192.168.100.12:$NODEPORT/catalog/books
# Prefix matches path elements: /cartoon is not under /cart.
curl -i -H 'Host: shop.example.com' http://192.168.100.11:$NODEPORT/cartoon
# Another host: no rule for it, the controller's default backend answers.
curl -s -H 'Host: www.example.com' http://192.168.100.11:$NODEPORT/cart

# 4. No ready endpoint behind a path: ingress-nginx answers 503.
kubectl scale deployment catalog --replicas=0
sleep 5
curl -i -H 'Host: shop.example.com' http://192.168.100.11:$NODEPORT/catalog
