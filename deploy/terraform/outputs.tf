output "region" {
  description = "AWS region."
  value       = var.aws_region
}

output "cluster_name" {
  description = "EKS cluster name."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = module.eks.cluster_endpoint
}

output "configure_kubectl" {
  description = "Command that adds the cluster to your kubeconfig."
  value       = "aws eks update-kubeconfig --region ${var.aws_region} --name ${module.eks.cluster_name}"
}

output "vpc_cidr" {
  description = "VPC CIDR (also the pod network): a value for TRUST_PROXY."
  value       = module.vpc.vpc_cidr_block
}

output "database_endpoint" {
  description = "PostgreSQL host name."
  value       = aws_db_instance.main.address
}

output "redis_endpoint" {
  description = "Redis primary endpoint host name."
  value       = aws_elasticache_replication_group.redis.primary_endpoint_address
}

output "database_url" {
  description = "DATABASE_URL for the app and the migration Job (master login, TLS required)."
  value       = "postgres://${var.db_username}:${urlencode(local.db_password)}@${aws_db_instance.main.address}:${aws_db_instance.main.port}/${var.db_name}?sslmode=require"
  sensitive   = true
}

output "redis_url" {
  description = "REDIS_URL for the app and the worker (TLS, AUTH token)."
  value       = "rediss://:${urlencode(local.redis_auth_token)}@${aws_elasticache_replication_group.redis.primary_endpoint_address}:${aws_elasticache_replication_group.redis.port}"
  sensitive   = true
}
