//go:build tools

// Package tools pins the local Kubernetes control plane that scripts/local-kubernetes.sh runs:
// kube-apiserver, kube-controller-manager, kube-scheduler and kubectl (k8s.io/kubernetes), etcd (./etcd)
// and kwok (nodes whose pods become Running and Ready without a container runtime). Built by
// scripts/install-kubernetes.sh in one `go build`, so the packages they share compile once.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
