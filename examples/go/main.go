// Wing's microservices example (examples/microservices) written in Go: a Cluster, the echo
// Workload, and the public backend built from ../microservices/backend that calls echo through
// ECHO_URL. The containers package comes from `pulumi package add ../../provider`, which generated
// the Go SDK in sdks/containers and pointed go.mod at it.
package main

import (
	"example.com/pulumi-containers/sdk/go/containers"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		shared, err := containers.NewCluster(ctx, "shared", &containers.ClusterArgs{})
		if err != nil {
			return err
		}
		echo, err := containers.NewWorkload(ctx, "echo", &containers.WorkloadArgs{
			Image:   "hashicorp/http-echo",
			Port:    pulumi.IntRef(5678),
			Args:    []pulumi.StringInput{pulumi.String("-text=hello, wingnuts!")},
			Cluster: shared,
		})
		if err != nil {
			return err
		}
		backend, err := containers.NewWorkload(ctx, "backend", &containers.WorkloadArgs{
			Image:   "../microservices/backend",
			Port:    pulumi.IntRef(3000),
			Public:  pulumi.BoolRef(true),
			Env:     map[string]pulumi.StringInput{"ECHO_URL": echo.InternalUrl.Elem()},
			Cluster: shared,
		})
		if err != nil {
			return err
		}
		ctx.Export("url", backend.PublicUrl)
		ctx.Export("echo_internal_url", echo.InternalUrl)
		ctx.Export("cluster_name", shared.ClusterName)
		return nil
	})
}
