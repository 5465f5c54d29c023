resource "google_storage_bucket_iam_binding" "public" {
  bucket  = "acme-site"
  role    = "roles/storage.objectViewer"
  members = ["user:ann@example.com", "allUsers"]
}
