storage "raft" {
  path = "/vault/data"
}
seal "transit" {
  address    = "https://vault-root.internal:8200"
  token      = "hvs.fRHHy4Ggo8OoCkApfS3eCLjh"
  key_name   = "autounseal"
}
