//go:build tools

// Package tools pins Docker Compose v2, the benchmark's peer, so `go build` can compile it from
// the module proxy (its own go.mod has exclude directives, which `go install mod@version` refuses).
package tools

import _ "github.com/docker/compose/v2/cmd"
