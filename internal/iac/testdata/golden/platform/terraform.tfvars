env       = "prod"
db_public = true
