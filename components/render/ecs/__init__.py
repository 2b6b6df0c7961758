"""ECS, ELB, API Gateway, Application Auto Scaling, CodeDeploy and IAM payloads for a
`ContainerWorkloadSpec`, in the AWS API's own shape (camelCase, as botocore validates it)."""
