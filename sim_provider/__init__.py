"""Pulumi dynamic providers that run the sim platform on the local Docker engine.

One module per kind of thing (image, network, replica, ingress). Providers translate Pulumi's
create/read/diff/delete into the few Docker operations in `docker_ops`; none imports `components`.
"""
