# Data platform in West Europe.

resource "azurerm_storage_account" "http_allowed" {
  name                            = "acmedata01"
  resource_group_name             = "rg-data"
  location                        = "westeurope"
  account_tier                    = "Standard"
  account_replication_type        = "GRS"
  infrastructure_encryption_enabled = true
  enable_https_traffic_only       = true
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
  public_network_access_enabled   = false

  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices"]
  }

  blob_properties {
    delete_retention_policy {
      days = 14
    }
  }

  queue_properties {
    logging {
      delete                = true
      read                  = true
      write                 = true
      version               = "1.0"
      retention_policy_days = 30
    }
  }
}

resource "azurerm_storage_account" "old_tls" {
  name                            = "acmedata01"
  resource_group_name             = "rg-data"
  location                        = "westeurope"
  account_tier                    = "Standard"
  account_replication_type        = "GRS"
  infrastructure_encryption_enabled = true
  enable_https_traffic_only       = true
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
  public_network_access_enabled   = false

  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices"]
  }

  blob_properties {
    delete_retention_policy {
      days = 14
    }
  }

  queue_properties {
    logging {
      delete                = true
      read                  = true
      write                 = true
      version               = "1.0"
      retention_policy_days = 30
    }
  }
}

resource "azurerm_storage_account" "public_blobs" {
  name                            = "acmedata01"
  resource_group_name             = "rg-data"
  location                        = "westeurope"
  account_tier                    = "Standard"
  account_replication_type        = "GRS"
  infrastructure_encryption_enabled = true
  enable_https_traffic_only       = true
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
  public_network_access_enabled   = false

  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices"]
  }

  blob_properties {
    delete_retention_policy {
      days = 14
    }
  }

  queue_properties {
    logging {
      delete                = true
      read                  = true
      write                 = true
      version               = "1.0"
      retention_policy_days = 30
    }
  }
}

resource "azurerm_storage_account" "network_allow" {
  name                            = "acmedata01"
  resource_group_name             = "rg-data"
  location                        = "westeurope"
  account_tier                    = "Standard"
  account_replication_type        = "GRS"
  infrastructure_encryption_enabled = true
  enable_https_traffic_only       = true
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
  public_network_access_enabled   = false

  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices"]
  }

  blob_properties {
    delete_retention_policy {
      days = 14
    }
  }

  queue_properties {
    logging {
      delete                = true
      read                  = true
      write                 = true
      version               = "1.0"
      retention_policy_days = 30
    }
  }
}

resource "azurerm_storage_account" "public_network" {
  name                            = "acmedata01"
  resource_group_name             = "rg-data"
  location                        = "westeurope"
  account_tier                    = "Standard"
  account_replication_type        = "GRS"
  infrastructure_encryption_enabled = true
  enable_https_traffic_only       = true
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
  public_network_access_enabled   = false

  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices"]
  }

  blob_properties {
    delete_retention_policy {
      days = 14
    }
  }

  queue_properties {
    logging {
      delete                = true
      read                  = true
      write                 = true
      version               = "1.0"
      retention_policy_days = 30
    }
  }
}

resource "azurerm_storage_container" "exports" {
  name                  = "exports"
  storage_account_name  = "acmedata01"
  container_access_type = "private"
}

resource "azurerm_storage_account_network_rules" "data02" {
  storage_account_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/Microsoft.Storage/storageAccounts/acmedata02"
  default_action     = "Deny"
  bypass             = ["AzureServices"]
}

resource "azurerm_key_vault" "no_purge" {
  name                       = "kv-data-01"
  location                   = "westeurope"
  resource_group_name        = "rg-data"
  tenant_id                  = "11111111-1111-1111-1111-111111111111"
  sku_name                   = "premium"
  soft_delete_retention_days = 90
  enable_rbac_authorization  = true
  purge_protection_enabled   = true
  public_network_access_enabled = false

  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
  }
}

resource "azurerm_key_vault" "no_acls" {
  name                       = "kv-data-01"
  location                   = "westeurope"
  resource_group_name        = "rg-data"
  tenant_id                  = "11111111-1111-1111-1111-111111111111"
  sku_name                   = "premium"
  soft_delete_retention_days = 90
  enable_rbac_authorization  = true
  purge_protection_enabled   = true
  public_network_access_enabled = false

  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
  }
}

resource "azurerm_key_vault" "acl_allow" {
  name                       = "kv-data-01"
  location                   = "westeurope"
  resource_group_name        = "rg-data"
  tenant_id                  = "11111111-1111-1111-1111-111111111111"
  sku_name                   = "premium"
  soft_delete_retention_days = 90
  enable_rbac_authorization  = true
  purge_protection_enabled   = true
  public_network_access_enabled = false

  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
  }
}

resource "azurerm_key_vault_secret" "db" {
  name            = "db-password"
  value           = var.db_password
  key_vault_id    = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/Microsoft.KeyVault/vaults/kv-data-01"
  content_type    = "password"
  expiration_date = "2026-12-31T00:00:00Z"
}

variable "db_password" {
  type      = string
  sensitive = true
  default   = null
}

resource "azurerm_mssql_server" "public" {
  name                          = "sql-data-01"
  resource_group_name           = "rg-data"
  location                      = "westeurope"
  version                       = "12.0"
  minimum_tls_version           = "1.2"
  public_network_access_enabled = false

  azuread_administrator {
    login_username              = "sql-admins"
    object_id                   = "22222222-2222-2222-2222-222222222222"
    azuread_authentication_only = true
  }
}

resource "azurerm_mssql_server" "old_tls" {
  name                          = "sql-data-02"
  resource_group_name           = "rg-data"
  location                      = "westeurope"
  version                       = "12.0"
  public_network_access_enabled = false
  minimum_tls_version           = "1.2"
  azuread_administrator {
    login_username              = "sql-admins"
    object_id                   = "22222222-2222-2222-2222-222222222222"
    azuread_authentication_only = true
  }
}

# The server the auditing, encryption and alert settings below belong to.
resource "azurerm_mssql_server" "main" {
  name                          = "sql-data-03"
  resource_group_name           = "rg-data"
  location                      = "westeurope"
  version                       = "12.0"
  public_network_access_enabled = false
  minimum_tls_version           = "1.2"
  azuread_administrator {
    login_username              = "sql-admins"
    object_id                   = "22222222-2222-2222-2222-222222222222"
    azuread_authentication_only = true
  }
}

resource "azurerm_mssql_firewall_rule" "all" {
  name             = "everyone"
  server_id        = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/Microsoft.Sql/servers/sql-data-01"
  start_ip_address = "10.10.0.4"
  end_ip_address   = "10.10.0.4"
}

resource "azurerm_mssql_server_extended_auditing_policy" "data01" {
  server_id              = azurerm_mssql_server.main.id
  storage_endpoint       = "https://acmeaudit01.blob.core.windows.net/"
  log_monitoring_enabled = true
  retention_in_days      = 120
}

resource "azurerm_mssql_server_transparent_data_encryption" "data01" {
  server_id        = azurerm_mssql_server.main.id
  key_vault_key_id = "https://kv-data-01.vault.azure.net/keys/sql-tde/0123456789abcdef0123456789abcdef"
}

resource "azurerm_mssql_server_security_alert_policy" "data01" {
  resource_group_name = "rg-data"
  server_name         = azurerm_mssql_server.main.name
  state               = "Enabled"
  email_account_admins = true
}

resource "azurerm_postgresql_server" "legacy" {
  name                             = "pg-legacy"
  location                         = "westeurope"
  resource_group_name              = "rg-data"
  sku_name                         = "GP_Gen5_2"
  version                          = "11"
  storage_mb                       = 51200
  geo_redundant_backup_enabled     = true
  public_network_access_enabled    = false
  ssl_minimal_tls_version_enforced = "TLS1_2"
  infrastructure_encryption_enabled = true
  threat_detection_policy {
    enabled = true
  }
  ssl_enforcement_enabled          = true
}

resource "azurerm_kubernetes_cluster" "no_rbac" {
  name                = "aks-prod"
  location            = "westeurope"
  resource_group_name = "rg-aks"
  dns_prefix          = "aks-prod"
  kubernetes_version  = "1.30"
  local_account_disabled = true
  azure_policy_enabled   = true
  disk_encryption_set_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aks/providers/Microsoft.Compute/diskEncryptionSets/aks"
  api_server_access_profile {
    authorized_ip_ranges = ["10.99.0.0/24"]
  }
  role_based_access_control_enabled = true
  azure_active_directory_role_based_access_control {
    managed                = true
    azure_rbac_enabled     = true
  }
  private_cluster_enabled = true

  default_node_pool {
    name       = "system"
    node_count = 3
    vm_size    = "Standard_D4s_v5"
    vnet_subnet_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aks/providers/Microsoft.Network/virtualNetworks/aks/subnets/nodes"
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin = "azure"
    network_policy = "calico"
  }

  oms_agent {
    log_analytics_workspace_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/ops"
  }
}

resource "azurerm_kubernetes_cluster" "no_netpol" {
  name                = "aks-prod"
  location            = "westeurope"
  resource_group_name = "rg-aks"
  dns_prefix          = "aks-prod"
  kubernetes_version  = "1.30"
  local_account_disabled = true
  azure_policy_enabled   = true
  disk_encryption_set_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aks/providers/Microsoft.Compute/diskEncryptionSets/aks"
  api_server_access_profile {
    authorized_ip_ranges = ["10.99.0.0/24"]
  }
  role_based_access_control_enabled = true
  azure_active_directory_role_based_access_control {
    managed                = true
    azure_rbac_enabled     = true
  }
  private_cluster_enabled = true

  default_node_pool {
    name       = "system"
    node_count = 3
    vm_size    = "Standard_D4s_v5"
    vnet_subnet_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aks/providers/Microsoft.Network/virtualNetworks/aks/subnets/nodes"
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin = "azure"
    network_policy = "calico"
  }

  oms_agent {
    log_analytics_workspace_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/ops"
  }
}

resource "azurerm_kubernetes_cluster" "public_api" {
  name                = "aks-prod"
  location            = "westeurope"
  resource_group_name = "rg-aks"
  dns_prefix          = "aks-prod"
  kubernetes_version  = "1.30"
  local_account_disabled = true
  azure_policy_enabled   = true
  disk_encryption_set_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aks/providers/Microsoft.Compute/diskEncryptionSets/aks"
  api_server_access_profile {
    authorized_ip_ranges = ["10.99.0.0/24"]
  }
  role_based_access_control_enabled = true
  azure_active_directory_role_based_access_control {
    managed                = true
    azure_rbac_enabled     = true
  }
  private_cluster_enabled = true

  default_node_pool {
    name       = "system"
    node_count = 3
    vm_size    = "Standard_D4s_v5"
    vnet_subnet_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-aks/providers/Microsoft.Network/virtualNetworks/aks/subnets/nodes"
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin = "azure"
    network_policy = "calico"
  }

  oms_agent {
    log_analytics_workspace_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/ops"
  }
}

resource "azurerm_network_security_rule" "ssh_any" {
  name                        = "ssh_any"
  resource_group_name         = "rg-net"
  network_security_group_name = "nsg-app"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "22"
  source_address_prefix       = "10.99.0.0/24"
  destination_address_prefix  = "VirtualNetwork"
}

resource "azurerm_network_security_rule" "rdp_internet" {
  name                        = "rdp_internet"
  resource_group_name         = "rg-net"
  network_security_group_name = "nsg-app"
  priority                    = 110
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "3389"
  source_address_prefix       = "10.99.0.0/24"
  destination_address_prefix  = "VirtualNetwork"
}

resource "azurerm_network_security_rule" "all_any" {
  name                        = "all_any"
  resource_group_name         = "rg-net"
  network_security_group_name = "nsg-app"
  priority                    = 120
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "*"
  source_address_prefix       = "10.99.0.0/24"
  destination_address_prefix  = "VirtualNetwork"
}

resource "azurerm_network_security_rule" "sql_any" {
  name                        = "sql_any"
  resource_group_name         = "rg-net"
  network_security_group_name = "nsg-app"
  priority                    = 130
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "1433"
  source_address_prefix       = "10.99.0.0/24"
  destination_address_prefix  = "VirtualNetwork"
}

resource "azurerm_network_security_group" "mgmt" {
  name                = "nsg-mgmt"
  location            = "westeurope"
  resource_group_name = "rg-net"

  security_rule {
    name                       = "ssh"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "22"
    source_address_prefix      = "10.99.0.0/24"
    destination_address_prefix = "VirtualNetwork"
  }
}

resource "azurerm_managed_disk" "data" {
  name                 = "data-01"
  location             = "westeurope"
  resource_group_name  = "rg-data"
  storage_account_type = "Premium_LRS"
  create_option        = "Empty"
  disk_size_gb         = 128
  encryption_settings {
    enabled = true
  }
}

resource "azurerm_linux_web_app" "portal" {
  name                = "acme-portal"
  resource_group_name = "rg-web"
  location            = "westeurope"
  service_plan_id     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-web/providers/Microsoft.Web/serverFarms/web"
  https_only          = true
  client_certificate_enabled = true
  auth_settings {
    enabled = true
  }
  site_config {
    minimum_tls_version = "1.2"
    ftps_state          = "Disabled"
    http2_enabled       = true
  }
  identity {
    type = "SystemAssigned"
  }
}
