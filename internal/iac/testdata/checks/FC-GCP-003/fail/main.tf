resource "google_compute_firewall" "db" {
  name    = "db"
  network = "default"
  allow {
    protocol = "tcp"
    ports    = ["5000-6000"]
  }
}
