module containers.local/tools/pulumi-yaml

go 1.26

require github.com/pulumi/pulumi-yaml v1.25.0 // indirect
