terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # The EKS module v20 and the VPC module v5 both support the 5.x line.
      version = "~> 5.95"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # The state holds the database password and the Redis token: keep it in an encrypted,
  # access-controlled remote backend, for example:
  #
  # backend "s3" {
  #   bucket       = "my-company-terraform-state"
  #   key          = "saas-app/production.tfstate"
  #   region       = "us-east-1"
  #   encrypt      = true
  #   use_lockfile = true # Terraform >= 1.10; older versions: dynamodb_table = "terraform-locks"
  # }
}
