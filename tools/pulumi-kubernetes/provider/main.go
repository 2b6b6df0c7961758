// Command pulumi-resource-kubernetes is the pulumi-kubernetes provider plugin, built from the Go
// module proxy. Upstream's own main (provider/v4/cmd/pulumi-resource-kubernetes) embeds files that
// its `go generate` writes (schema-embed.json, terraform-mapping-embed.json) and that the module zip
// does not carry; the module ships their sources (schema.json, terraform-mapping.json), which
// scripts/install-pulumi-kubernetes.sh copies here under the embedded names before `go build`.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
