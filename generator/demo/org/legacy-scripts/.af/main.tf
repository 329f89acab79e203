# Imported from the old ops account in 2021. Nobody has claimed these yet.

resource "aws_instance" "cron" {
  ami           = "ami-0a1b2c3d4e5f60718"
  instance_type = "m4.large"

  tags = {
    Name = "legacy-cron-01"
  }
}

resource "aws_s3_bucket" "exports" {
  bucket = "acme-legacy-partner-exports"
}

resource "aws_lambda_function" "nightly_feed" {
  function_name = "legacy-partner-feed"
  runtime       = "python3.8"
  handler       = "feed.main"
  filename      = "feed.zip"
  role          = "arn:aws:iam::418273645012:role/legacy-lambda"

  environment {
    variables = {
      EXPORT_BUCKET = aws_s3_bucket.exports.bucket
    }
  }
}
