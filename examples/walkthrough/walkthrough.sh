# The classic lesson (Service types and kube-proxy), exercises 1-5, as a learner types them.
# Run it: npm run --silent sim -- examples/walkthrough/walkthrough.sh
# `sleep N` lets N seconds of virtual time pass, so AGE and STATUS look as they did on the real cluster.

# 1. A Deployment with 3 replicas; roll out a new image, look at the history, roll back.
cat deployment.yml
kubectl apply -f deployment.yml
sleep 16
kubectl get pods
kubectl set image deploy/httpd2 httpd2=httpd:v0.4
sleep 8
kubectl get pods
kubectl get deployment
kubectl rollout history deployment httpd2
kubectl rollout history deployment httpd2 --revision=2
kubectl rollout undo deployment httpd2 --to-revision=1
kubectl rollout status deployment httpd2
kubectl rollout history deployment httpd2

# 2. Scale the application to 3 replicas.
kubectl scale deploy/httpd2 --replicas=3
kubectl get pods

# 3. One pod running nginx, redis and memcached.
cat test.yml
kubectl apply -f test.yml
sleep 60
kubectl get pod

# 4. A pod behind a NodePort Service.
cat service.yml
kubectl apply -f service.yml
sleep 36
kubectl get deploy,pod,svc
# The Service answers on its ClusterIP and, on every node, on its NodePort.
curl -s $(kubectl get svc nginx -o jsonpath='{.spec.clusterIP}') | head -4
curl -s 192.168.100.11:$(kubectl get svc nginx -o jsonpath='{.spec.ports[0].nodePort}') | head -4
ssh node1
iptables-save -t nat | grep nginx
exit

# 5. A busybox pod to look up Services from.
kubectl run busybox --image=busybox:1.28.4 -- sleep 9000
sleep 13
kubectl get pods
kubectl exec -it busybox -- /bin/sh
# The lesson's lookup: the pod's resolver tries kubernetes.default.svc.cluster.local first (ndots:5).
nslookup kubernetes
cat /etc/resolv.conf
hostname
env | grep NGINX
exit
