// Package containers exports types, functions, subpackages for provisioning containers resources.
package containers
