#!/usr/bin/env bash
# A real Kubernetes control plane on 127.0.0.1, for the tests that deploy through the real
# pulumi-kubernetes provider: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, and kwok
# managing one fake node, whose pods become Running and Ready without a container runtime. Binaries
# from scripts/install-kubernetes.sh (built on first use). No root-only kernel feature is used.
#
#   scripts/local-kubernetes.sh start [DIR]   start (DIR: default .tools/local-kubernetes), wait until
#                                             the API answers, print the admin kubeconfig's path last
#   scripts/local-kubernetes.sh stop [DIR]    end exactly the processes `start` started (their pids
#                                             are in DIR/pids), and remove DIR
#
# A fresh CA, serving and client certificates and a service-account key pair are generated at each
# start; the admin user is a client certificate in `system:masters`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command="${1:-}"
DIR="$(mkdir -p "${2:-$ROOT/.tools/local-kubernetes}" && cd "${2:-$ROOT/.tools/local-kubernetes}" && pwd)"
PIDS="$DIR/pids"
NODE=kwok-node-0

log() { printf '[local-kubernetes] %s\n' "$*" >&2; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop() {
  [[ -f "$PIDS" ]] || { log "nothing started in $DIR"; return 0; }
  local pid
  # Newest first: kwok and the controllers before the API server, the API server before etcd.
  for pid in $(tac "$PIDS"); do kill "$pid" 2>/dev/null || true; done
  for pid in $(tac "$PIDS"); do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$DIR"
  log "stopped"
}

certificates() {
  local pki="$DIR/pki"
  mkdir -p "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=local-kubernetes-ca" \
    -keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
  # The API server's serving certificate: every name a client (or a pod) reaches it by.
  cat > "$pki/apiserver.ext" <<EOF
subjectAltName = IP:127.0.0.1, IP:10.0.0.1, DNS:localhost, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage = serverAuth
EOF
  signed apiserver "/CN=kube-apiserver" "$pki/apiserver.ext"
  printf 'extendedKeyUsage = clientAuth\n' > "$pki/client.ext"
  signed admin "/O=system:masters/CN=admin" "$pki/client.ext"
  openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
}

signed() {
  # $1: name, $2: subject, $3: extensions file; signed by the CA
  local pki="$DIR/pki"
  openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$pki/$1.key" -out "$pki/$1.csr" 2>/dev/null
  openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 2 \
    -extfile "$3" -out "$pki/$1.crt" 2>/dev/null
}

kubeconfig() {
  # $1: the API server's port. Certificates embedded, so the file works from anywhere.
  local pki="$DIR/pki"
  cat > "$DIR/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: local
    cluster:
      server: https://127.0.0.1:$1
      certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
contexts:
  - name: local
    context: {cluster: local, user: admin}
current-context: local
users:
  - name: admin
    user:
      client-certificate-data: $(base64 -w0 "$pki/admin.crt")
      client-key-data: $(base64 -w0 "$pki/admin.key")
EOF
}

run() {
  # $1: a name for its log; the rest: the command. Its pid is recorded for `stop`.
  local name="$1"; shift
  "$@" >"$DIR/$name.log" 2>&1 &
  echo $! >> "$PIDS"
}

api() {
  # $@: curl arguments, as the admin
  curl -sf --cacert "$DIR/pki/ca.crt" --cert "$DIR/pki/admin.crt" --key "$DIR/pki/admin.key" "$@"
}

wait_for() {
  # $1: what, $2: seconds, the rest: a command that succeeds once it is there
  local what="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS > deadline)); then
      log "$what did not come up within ${seconds}s; the logs are in $DIR"
      tail -20 "$DIR"/*.log >&2 || true
      return 1
    fi
    sleep 0.5
  done
}

start() {
  if [[ -f "$PIDS" ]]; then log "already started in $DIR (stop it first)"; exit 1; fi
  local bin
  bin="$(bash "$ROOT/scripts/install-kubernetes.sh" control-plane)"
  local etcd_port peer_port api_port cm_port scheduler_port began=$SECONDS
  etcd_port="$(free_port)"; peer_port="$(free_port)"; api_port="$(free_port)"
  cm_port="$(free_port)"; scheduler_port="$(free_port)"
  certificates
  kubeconfig "$api_port"
  : > "$PIDS"
  run etcd "$bin/etcd" --name local --data-dir "$DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "local=http://127.0.0.1:$peer_port"
  local pki="$DIR/pki"
  # --endpoint-reconciler-type=none: the API server refuses to advertise a loopback address in the
  # `kubernetes` Service's endpoints otherwise; nothing in this cluster needs them.
  run kube-apiserver "$bin/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --secure-port "$api_port" --advertise-address 127.0.0.1 \
    --endpoint-reconciler-type none \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" --authorization-mode RBAC \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range 10.0.0.0/24
  wait_for "kube-apiserver" 180 api "https://127.0.0.1:$api_port/readyz"
  log "API server ready after $((SECONDS - began)) s"
  run kube-controller-manager "$bin/kube-controller-manager" --kubeconfig "$DIR/kubeconfig" \
    --authentication-kubeconfig "$DIR/kubeconfig" --authorization-kubeconfig "$DIR/kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$cm_port" --leader-elect=false \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --use-service-account-credentials=false
  run kube-scheduler "$bin/kube-scheduler" --kubeconfig "$DIR/kubeconfig" \
    --authentication-kubeconfig "$DIR/kubeconfig" --authorization-kubeconfig "$DIR/kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$scheduler_port" --leader-elect=false
  # kwok's stages (from its module, copied beside the binary by install-kubernetes.sh): nodes
  # become Ready and keep a heartbeat; pods are scheduled, Running and Ready at once.
  local stage
  for stage in "$bin"/kwok-stages/*.yaml; do printf -- '---\n'; cat "$stage"; done > "$DIR/kwok.yaml"
  run kwok "$bin/kwok" --kubeconfig "$DIR/kubeconfig" --config "$DIR/kwok.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-ip 127.0.0.1
  api -X POST -H 'Content-Type: application/json' "https://127.0.0.1:$api_port/api/v1/nodes" -d @- >/dev/null <<EOF
{"apiVersion": "v1", "kind": "Node",
 "metadata": {"name": "$NODE", "annotations": {"kwok.x-k8s.io/node": "fake"},
              "labels": {"kubernetes.io/hostname": "$NODE", "type": "kwok"}},
 "status": {"allocatable": {"cpu": "32", "memory": "256Gi", "pods": "110"},
            "capacity": {"cpu": "32", "memory": "256Gi", "pods": "110"}}}
EOF
  wait_for "node $NODE Ready" 120 node_ready "$api_port"
  log "control plane with a Ready node after $((SECONDS - began)) s"
  echo "$DIR/kubeconfig"
}

node_ready() {
  api "https://127.0.0.1:$1/api/v1/nodes/$NODE" | python3 -c '
import json, sys
conditions = json.load(sys.stdin)["status"].get("conditions") or []
sys.exit(0 if any(c["type"] == "Ready" and c["status"] == "True" for c in conditions) else 1)'
}

case "$command" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: local-kubernetes.sh start|stop [DIR]" >&2; exit 2 ;;
esac
