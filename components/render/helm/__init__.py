"""The Helm chart of a `WorkloadSpec` on eks (`chart`)."""
