resource "google_container_cluster" "main" {
  name     = "main"
  location = "europe-west1"
  database_encryption {
    state    = "ENCRYPTED"
    key_name = "projects/p/locations/europe-west1/keyRings/r/cryptoKeys/k"
  }
}
