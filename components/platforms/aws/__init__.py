"""What the eks and ecs platforms share on AWS: the Cluster's VPC and images pushed to ECR."""
