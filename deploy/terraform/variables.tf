variable "aws_region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Application name, used as a prefix for every resource name."
  type        = string
  default     = "saas-app"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}$", var.name))
    error_message = "name must be 2-20 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name (e.g. production, staging). Anything but \"production\" skips the final database snapshot on destroy."
  type        = string
  default     = "production"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,11}$", var.environment))
    error_message = "environment must be 2-12 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Extra tags for every resource."
  type        = map(string)
  default     = {}
}

# ---- network ----

variable "vpc_cidr" {
  description = "CIDR block of the VPC. Pods get addresses from it too (VPC CNI): use it for TRUST_PROXY."
  type        = string
  default     = "10.0.0.0/16"
}

variable "az_count" {
  description = "Number of availability zones to spread subnets, nodes and databases over."
  type        = number
  default     = 3

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 4
    error_message = "az_count must be between 2 and 4."
  }
}

variable "single_nat_gateway" {
  description = "One shared NAT gateway (cheaper) instead of one per availability zone (survives a zone outage)."
  type        = bool
  default     = true
}

# ---- Kubernetes (EKS) ----

variable "cluster_version" {
  description = "EKS Kubernetes version. Check the supported ones with `aws eks describe-cluster-versions`."
  type        = string
  default     = "1.34"
}

variable "cluster_endpoint_public_access" {
  description = "Expose the Kubernetes API endpoint publicly (still authenticated). Set false when you reach it through a VPN or bastion."
  type        = bool
  default     = true
}

variable "node_instance_types" {
  description = "EC2 instance types for the managed node group."
  type        = list(string)
  default     = ["t3.medium"]
}

variable "node_min_size" {
  description = "Minimum number of nodes."
  type        = number
  default     = 2
}

variable "node_max_size" {
  description = "Maximum number of nodes."
  type        = number
  default     = 10
}

variable "node_desired_size" {
  description = "Number of nodes at creation (later changes are left to the autoscaler)."
  type        = number
  default     = 3
}

# ---- PostgreSQL (RDS) ----

variable "db_engine_version" {
  description = "PostgreSQL version: a major version (\"16\") lets RDS pick and upgrade the minor version."
  type        = string
  default     = "16"
}

variable "db_instance_class" {
  description = "RDS instance class. Its max_connections must exceed (web + worker pods) x DATABASE_POOL_SIZE."
  type        = string
  default     = "db.t4g.small"
}

variable "db_allocated_storage" {
  description = "Initial storage in GiB."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage" {
  description = "Storage autoscaling limit in GiB."
  type        = number
  default     = 100
}

variable "db_name" {
  description = "Name of the application database."
  type        = string
  default     = "saas"
}

variable "db_username" {
  description = "Master login. It owns the schema, runs the migrations and is granted the app role saas_app, so it must not be named saas_app."
  type        = string
  default     = "saas_owner"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.db_username)) && var.db_username != "saas_app"
    error_message = "db_username must be a lowercase identifier other than saas_app (the role the migrations create)."
  }
}

variable "db_password" {
  description = "Master password. Leave null to generate a random one (it ends up in the state either way)."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.db_password == null || try(length(var.db_password) >= 16, false)
    error_message = "db_password must be at least 16 characters."
  }
}

variable "db_multi_az" {
  description = "Run a standby in a second availability zone with automatic failover (recommended for production)."
  type        = bool
  default     = false
}

variable "db_backup_retention_days" {
  description = "Days of automated backups and point-in-time recovery."
  type        = number
  default     = 7

  validation {
    condition     = var.db_backup_retention_days >= 1 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 1 and 35."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the database while true."
  type        = bool
  default     = true
}

# ---- Redis (ElastiCache) ----

variable "redis_engine_version" {
  description = "Redis engine version."
  type        = string
  default     = "7.1"
}

variable "redis_node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.micro"
}

variable "redis_num_cache_clusters" {
  description = "Number of Redis nodes: 1 is a single node; 2 or more adds replicas with automatic failover."
  type        = number
  default     = 1

  validation {
    condition     = var.redis_num_cache_clusters >= 1 && var.redis_num_cache_clusters <= 6
    error_message = "redis_num_cache_clusters must be between 1 and 6."
  }
}

variable "redis_auth_token" {
  description = "Redis AUTH token (16-128 characters). Leave null to generate a random one."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.redis_auth_token == null || try(length(var.redis_auth_token) >= 16 && length(var.redis_auth_token) <= 128, false)
    error_message = "redis_auth_token must be 16 to 128 characters."
  }
}

variable "redis_snapshot_retention_days" {
  description = "Days of Redis snapshots (0 disables them). Redis holds caches and queued jobs, not the system of record."
  type        = number
  default     = 1
}
