"""Dynamic providers over boto3 for what pulumi-aws does not do, e.g. run a CodeDeploy deployment.

Like `sim_provider`, this package never imports `components`: a provider is pickled by reference and
must import cleanly in the provider process.
"""
