# Production project acme-prod.

resource "google_sql_database_instance" "public_ip" {
  name             = "orders"
  database_version = "POSTGRES_16"
  region           = "europe-west1"
  deletion_protection = true

  settings {
    tier              = "db-custom-2-7680"
    availability_type = "REGIONAL"

    ip_configuration {
      ipv4_enabled    = true
      private_network = "projects/acme-prod/global/networks/private"
      require_ssl     = true
      ssl_mode        = "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }

    database_flags {
      name  = "log_connections"
      value = "on"
    }
    database_flags {
      name  = "log_disconnections"
      value = "on"
    }
    database_flags {
      name  = "log_checkpoints"
      value = "on"
    }
    database_flags {
      name  = "log_lock_waits"
      value = "on"
    }
    database_flags {
      name  = "log_temp_files"
      value = "0"
    }
    database_flags {
      name  = "log_min_duration_statement"
      value = "-1"
    }
  }
}

resource "google_sql_database_instance" "no_ssl" {
  name             = "orders"
  database_version = "POSTGRES_16"
  region           = "europe-west1"
  deletion_protection = true

  settings {
    tier              = "db-custom-2-7680"
    availability_type = "REGIONAL"

    ip_configuration {
      ipv4_enabled    = false
      private_network = "projects/acme-prod/global/networks/private"
      require_ssl     = false
      ssl_mode        = "ALLOW_UNENCRYPTED_AND_ENCRYPTED"
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }

    database_flags {
      name  = "log_connections"
      value = "on"
    }
    database_flags {
      name  = "log_disconnections"
      value = "on"
    }
    database_flags {
      name  = "log_checkpoints"
      value = "on"
    }
    database_flags {
      name  = "log_lock_waits"
      value = "on"
    }
    database_flags {
      name  = "log_temp_files"
      value = "0"
    }
    database_flags {
      name  = "log_min_duration_statement"
      value = "-1"
    }
  }
}

resource "google_sql_database_instance" "authorized_world" {
  name             = "orders"
  database_version = "POSTGRES_16"
  region           = "europe-west1"
  deletion_protection = true

  settings {
    tier              = "db-custom-2-7680"
    availability_type = "REGIONAL"

    ip_configuration {
      ipv4_enabled    = false
      private_network = "projects/acme-prod/global/networks/private"
      require_ssl     = true
      ssl_mode        = "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
      authorized_networks {
        name  = "everyone"
        value = "0.0.0.0/0"
      }
    }

    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }

    database_flags {
      name  = "log_connections"
      value = "on"
    }
    database_flags {
      name  = "log_disconnections"
      value = "on"
    }
    database_flags {
      name  = "log_checkpoints"
      value = "on"
    }
    database_flags {
      name  = "log_lock_waits"
      value = "on"
    }
    database_flags {
      name  = "log_temp_files"
      value = "0"
    }
    database_flags {
      name  = "log_min_duration_statement"
      value = "-1"
    }
  }
}

resource "google_sql_database_instance" "no_backups" {
  name             = "orders"
  database_version = "POSTGRES_16"
  region           = "europe-west1"
  deletion_protection = true

  settings {
    tier              = "db-custom-2-7680"
    availability_type = "REGIONAL"

    ip_configuration {
      ipv4_enabled    = false
      private_network = "projects/acme-prod/global/networks/private"
      require_ssl     = true
      ssl_mode        = "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"
    }

    backup_configuration {
      enabled = false
    }

    database_flags {
      name  = "log_connections"
      value = "on"
    }
    database_flags {
      name  = "log_disconnections"
      value = "on"
    }
    database_flags {
      name  = "log_checkpoints"
      value = "on"
    }
    database_flags {
      name  = "log_lock_waits"
      value = "on"
    }
    database_flags {
      name  = "log_temp_files"
      value = "0"
    }
    database_flags {
      name  = "log_min_duration_statement"
      value = "-1"
    }
  }
}

resource "google_storage_bucket" "reports" {
  name                        = "acme-prod-reports"
  location                    = "EU"
  public_access_prevention    = "enforced"
  uniform_bucket_level_access = false
  versioning {
    enabled = true
  }
  logging {
    log_bucket = "acme-prod-access-logs"
  }
  encryption {
    default_kms_key_name = "projects/acme-prod/locations/eu/keyRings/storage/cryptoKeys/reports"
  }
}

resource "google_storage_bucket_iam_member" "public" {
  bucket = "acme-prod-reports"
  role   = "roles/storage.objectViewer"
  member = "allUsers"
}

resource "google_storage_bucket_iam_binding" "authenticated" {
  bucket  = "acme-prod-exports"
  role    = "roles/storage.objectViewer"
  members = ["allAuthenticatedUsers"]
}

resource "google_project_iam_member" "owner" {
  project = "acme-prod"
  role    = "roles/owner"
  member  = "group:platform@acme.example"
}

resource "google_project_iam_member" "sa_user" {
  project = "acme-prod"
  role    = "roles/iam.serviceAccountUser"
  member  = "group:support@acme.example"
}

resource "google_container_cluster" "legacy_abac" {
  name     = "prod"
  location = "europe-west1"
  remove_default_node_pool = true
  initial_node_count       = 1
  network    = "projects/acme-prod/global/networks/private"
  subnetwork = "projects/acme-prod/regions/europe-west1/subnetworks/gke"
  enable_legacy_abac = true
  enable_shielded_nodes = true
  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
    master_ipv4_cidr_block  = "172.16.0.0/28"
  }

  master_authorized_networks_config {
    cidr_blocks {
      cidr_block   = "10.99.0.0/24"
      display_name = "vpn"
    }
  }

  ip_allocation_policy {
    cluster_secondary_range_name  = "pods"
    services_secondary_range_name = "services"
  }

  network_policy {
    enabled = true
  }

  workload_identity_config {
    workload_pool = "acme-prod.svc.id.goog"
  }

  release_channel {
    channel = "REGULAR"
  }

  database_encryption {
    state    = "ENCRYPTED"
    key_name = "projects/acme-prod/locations/europe-west1/keyRings/gke/cryptoKeys/secrets"
  }

  resource_labels = {
    team = "platform"
  }
}

resource "google_container_cluster" "no_shielded" {
  name     = "prod"
  location = "europe-west1"
  remove_default_node_pool = true
  initial_node_count       = 1
  network    = "projects/acme-prod/global/networks/private"
  subnetwork = "projects/acme-prod/regions/europe-west1/subnetworks/gke"
  enable_legacy_abac = false
  enable_shielded_nodes = false
  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
    master_ipv4_cidr_block  = "172.16.0.0/28"
  }

  master_authorized_networks_config {
    cidr_blocks {
      cidr_block   = "10.99.0.0/24"
      display_name = "vpn"
    }
  }

  ip_allocation_policy {
    cluster_secondary_range_name  = "pods"
    services_secondary_range_name = "services"
  }

  network_policy {
    enabled = true
  }

  workload_identity_config {
    workload_pool = "acme-prod.svc.id.goog"
  }

  release_channel {
    channel = "REGULAR"
  }

  database_encryption {
    state    = "ENCRYPTED"
    key_name = "projects/acme-prod/locations/europe-west1/keyRings/gke/cryptoKeys/secrets"
  }

  resource_labels = {
    team = "platform"
  }
}

resource "google_container_cluster" "public_nodes" {
  name     = "prod"
  location = "europe-west1"
  remove_default_node_pool = true
  initial_node_count       = 1
  network    = "projects/acme-prod/global/networks/private"
  subnetwork = "projects/acme-prod/regions/europe-west1/subnetworks/gke"
  enable_legacy_abac = false
  enable_shielded_nodes = true

  master_authorized_networks_config {
    cidr_blocks {
      cidr_block   = "10.99.0.0/24"
      display_name = "vpn"
    }
  }

  ip_allocation_policy {
    cluster_secondary_range_name  = "pods"
    services_secondary_range_name = "services"
  }

  network_policy {
    enabled = true
  }

  workload_identity_config {
    workload_pool = "acme-prod.svc.id.goog"
  }

  release_channel {
    channel = "REGULAR"
  }

  database_encryption {
    state    = "ENCRYPTED"
    key_name = "projects/acme-prod/locations/europe-west1/keyRings/gke/cryptoKeys/secrets"
  }

  resource_labels = {
    team = "platform"
  }
}

resource "google_container_cluster" "no_netpol" {
  name     = "prod"
  location = "europe-west1"
  remove_default_node_pool = true
  initial_node_count       = 1
  network    = "projects/acme-prod/global/networks/private"
  subnetwork = "projects/acme-prod/regions/europe-west1/subnetworks/gke"
  enable_legacy_abac = false
  enable_shielded_nodes = true
  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
    master_ipv4_cidr_block  = "172.16.0.0/28"
  }

  master_authorized_networks_config {
    cidr_blocks {
      cidr_block   = "10.99.0.0/24"
      display_name = "vpn"
    }
  }

  ip_allocation_policy {
    cluster_secondary_range_name  = "pods"
    services_secondary_range_name = "services"
  }

  network_policy {
    enabled = false
  }

  workload_identity_config {
    workload_pool = "acme-prod.svc.id.goog"
  }

  release_channel {
    channel = "REGULAR"
  }

  database_encryption {
    state    = "ENCRYPTED"
    key_name = "projects/acme-prod/locations/europe-west1/keyRings/gke/cryptoKeys/secrets"
  }

  resource_labels = {
    team = "platform"
  }
}

resource "google_container_cluster" "no_wi" {
  name     = "prod"
  location = "europe-west1"
  remove_default_node_pool = true
  initial_node_count       = 1
  network    = "projects/acme-prod/global/networks/private"
  subnetwork = "projects/acme-prod/regions/europe-west1/subnetworks/gke"
  enable_legacy_abac = false
  enable_shielded_nodes = true
  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = false
    master_ipv4_cidr_block  = "172.16.0.0/28"
  }

  master_authorized_networks_config {
    cidr_blocks {
      cidr_block   = "10.99.0.0/24"
      display_name = "vpn"
    }
  }

  ip_allocation_policy {
    cluster_secondary_range_name  = "pods"
    services_secondary_range_name = "services"
  }

  network_policy {
    enabled = true
  }


  release_channel {
    channel = "REGULAR"
  }

  database_encryption {
    state    = "ENCRYPTED"
    key_name = "projects/acme-prod/locations/europe-west1/keyRings/gke/cryptoKeys/secrets"
  }

  resource_labels = {
    team = "platform"
  }
}

resource "google_compute_instance" "serial_port" {
  name         = "app-01"
  machine_type = "e2-standard-2"
  zone         = "europe-west1-b"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
    kms_key_self_link = "projects/acme-prod/locations/europe-west1/keyRings/compute/cryptoKeys/disks"
  }

  network_interface {
    subnetwork = "projects/acme-prod/regions/europe-west1/subnetworks/app"
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  service_account {
    email  = "app-01@acme-prod.iam.gserviceaccount.com"
    scopes = ["cloud-platform"]
  }

  metadata = {
    serial-port-enable     = "true"
    enable-oslogin         = "TRUE"
    block-project-ssh-keys = "true"
  }
}

resource "google_compute_instance" "no_oslogin" {
  name         = "app-01"
  machine_type = "e2-standard-2"
  zone         = "europe-west1-b"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
    kms_key_self_link = "projects/acme-prod/locations/europe-west1/keyRings/compute/cryptoKeys/disks"
  }

  network_interface {
    subnetwork = "projects/acme-prod/regions/europe-west1/subnetworks/app"
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  service_account {
    email  = "app-01@acme-prod.iam.gserviceaccount.com"
    scopes = ["cloud-platform"]
  }

  metadata = {
    serial-port-enable     = "false"
    enable-oslogin         = "FALSE"
    block-project-ssh-keys = "true"
  }
}

resource "google_compute_instance" "project_keys" {
  name         = "app-01"
  machine_type = "e2-standard-2"
  zone         = "europe-west1-b"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
    kms_key_self_link = "projects/acme-prod/locations/europe-west1/keyRings/compute/cryptoKeys/disks"
  }

  network_interface {
    subnetwork = "projects/acme-prod/regions/europe-west1/subnetworks/app"
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  service_account {
    email  = "app-01@acme-prod.iam.gserviceaccount.com"
    scopes = ["cloud-platform"]
  }

  metadata = {
    serial-port-enable     = "false"
    enable-oslogin         = "TRUE"
    block-project-ssh-keys = "false"
  }
}

resource "google_compute_instance" "default_sa" {
  name         = "app-01"
  machine_type = "e2-standard-2"
  zone         = "europe-west1-b"

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
    kms_key_self_link = "projects/acme-prod/locations/europe-west1/keyRings/compute/cryptoKeys/disks"
  }

  network_interface {
    subnetwork = "projects/acme-prod/regions/europe-west1/subnetworks/app"
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  service_account {
    email  = "123456789012-compute@developer.gserviceaccount.com"
    scopes = ["cloud-platform"]
  }

  metadata = {
    serial-port-enable     = "false"
    enable-oslogin         = "TRUE"
    block-project-ssh-keys = "true"
  }
}

resource "google_compute_instance" "ip_forward" {
  name           = "nat-01"
  machine_type   = "e2-small"
  zone           = "europe-west1-b"
  can_ip_forward = true

  boot_disk {
    initialize_params {
      image = "debian-cloud/debian-12"
    }
    kms_key_self_link = "projects/acme-prod/locations/europe-west1/keyRings/compute/cryptoKeys/disks"
  }

  network_interface {
    subnetwork = "projects/acme-prod/regions/europe-west1/subnetworks/app"
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  service_account {
    email  = "nat-01@acme-prod.iam.gserviceaccount.com"
    scopes = ["cloud-platform"]
  }

  metadata = {
    block-project-ssh-keys = "true"
    enable-oslogin         = "TRUE"
  }
}

resource "google_compute_project_metadata_item" "oslogin" {
  key   = "enable-oslogin"
  value = "FALSE"
}

resource "google_kms_key_ring" "app" {
  name     = "app"
  location = "europe-west1"
}

resource "google_kms_crypto_key" "app" {
  name            = "app"
  key_ring        = google_kms_key_ring.app.id
}

resource "google_kms_crypto_key" "archive" {
  name            = "archive"
  key_ring        = google_kms_key_ring.app.id
  rotation_period = "31536000s"
}

resource "google_compute_subnetwork" "app" {
  name                     = "app"
  ip_cidr_range            = "10.30.0.0/20"
  region                   = "europe-west1"
  network                  = "projects/acme-prod/global/networks/private"
  private_ip_google_access = true
}

resource "google_compute_firewall" "ssh" {
  name    = "allow-ssh"
  network = "projects/acme-prod/global/networks/private"
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
  source_ranges = ["0.0.0.0/0"]
}

resource "google_compute_firewall" "all" {
  name    = "allow-all"
  network = "projects/acme-prod/global/networks/private"
  allow {
    protocol = "all"
  }
  source_ranges = ["0.0.0.0/0"]
}

resource "google_compute_firewall" "rdp" {
  name    = "allow-rdp"
  network = "projects/acme-prod/global/networks/private"
  allow {
    protocol = "tcp"
    ports    = ["3389"]
  }
  source_ranges = ["::/0"]
}

resource "google_compute_disk" "data" {
  name = "data-01"
  zone = "europe-west1-b"
  size = 200
}

resource "google_bigquery_dataset" "analytics" {
  dataset_id = "analytics"
  location   = "EU"
  default_encryption_configuration {
    kms_key_name = "projects/acme-prod/locations/eu/keyRings/bq/cryptoKeys/analytics"
  }
  access {
    role          = "READER"
    special_group = "allAuthenticatedUsers"
  }
}
