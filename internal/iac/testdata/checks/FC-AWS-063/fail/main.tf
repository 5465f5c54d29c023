resource "aws_iam_user" "ops" {
  name = "ops"
}
resource "aws_iam_user_policy" "ops" {
  user = aws_iam_user.ops.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}
resource "aws_iam_access_key" "ops" {
  user = aws_iam_user.ops.name
}
