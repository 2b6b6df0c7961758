//go:build tools

// Package tools pins the Pulumi YAML language host (github.com/pulumi/pulumi-yaml) so that
// scripts/install-pulumi-yaml.sh can build cmd/pulumi-language-yaml from the Go module proxy.
package tools

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
