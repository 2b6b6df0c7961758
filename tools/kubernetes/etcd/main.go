// Command etcd is etcd's server, built from its module (go.etcd.io/etcd/server/v3), whose own
// main package lives in a module of etcd's repository that the proxy does not serve.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
