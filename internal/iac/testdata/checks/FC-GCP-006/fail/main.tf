resource "google_container_cluster" "main" {
  name     = "main"
  location = "europe-west1"
  private_cluster_config {
    enable_private_endpoint = false
  }
}
