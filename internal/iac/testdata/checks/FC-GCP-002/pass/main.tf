resource "google_storage_bucket_iam_member" "reader" {
  bucket = "acme-data"
  role   = "roles/storage.objectViewer"
  member = "group:data-readers@example.com"
}
