environment    = "prod"
lambda_runtime = "python3.12"
