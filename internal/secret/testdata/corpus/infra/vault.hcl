storage "raft" {
  path = "/vault/data"
}
seal "transit" {
  address    = "https://vault-root.internal:8200"
  token      = "hvs.Ecqq1L7y5uCEaZyLEQTPFS1V"
  key_name   = "autounseal"
}
