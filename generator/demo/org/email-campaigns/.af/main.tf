resource "aws_instance" "app" {
  ami           = "ami-06b21ccaeff8cd686"
  instance_type = "t3.large"

  tags = {
    Name = "email-campaigns-app-01"
  }
}

resource "aws_db_instance" "campaigns" {
  identifier        = "email-campaigns-mysql"
  engine            = "mysql"
  engine_version    = "5.7.44"
  instance_class    = "db.t3.medium"
  allocated_storage = 100
}

resource "aws_s3_bucket" "newsletter_images" {
  bucket = "acme-newsletter-images"
}
