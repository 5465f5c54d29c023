# Human and machine logins by password.

resource "aws_iam_user_login_profile" "carol" {
  user                    = aws_iam_user.carol.name
  password_reset_required = true
}

resource "aws_iam_user" "dave" {
  name          = "dave"
  force_destroy = false
}

resource "aws_iam_user_login_profile" "dave" {
  user = aws_iam_user.dave.name
}

resource "aws_iam_user_policy_attachment" "erin_readonly" {
  user       = aws_iam_user.erin.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "azurerm_linux_virtual_machine" "jump" {
  name                            = "jump-01"
  resource_group_name             = "rg-ops"
  location                        = "westeurope"
  size                            = "Standard_B2s"
  admin_username                  = "opsadmin"
  network_interface_ids           = ["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ops/providers/Microsoft.Network/networkInterfaces/jump-01"]
  encryption_at_host_enabled      = true
  disable_password_authentication = false
  admin_password                  = var.jump_password


  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
  }

  source_image_reference {
    publisher = "Canonical"
    offer     = "0001-com-ubuntu-server-jammy"
    sku       = "22_04-lts-gen2"
    version   = "latest"
  }
}

resource "azurerm_linux_virtual_machine_scale_set" "workers" {
  name                            = "workers"
  resource_group_name             = "rg-ops"
  location                        = "westeurope"
  sku                             = "Standard_D2s_v5"
  instances                       = 2
  admin_username                  = "opsadmin"
  encryption_at_host_enabled      = true
  disable_password_authentication = false
  admin_password                  = var.jump_password


  os_disk {
    caching              = "ReadWrite"
    storage_account_type = "Premium_LRS"
  }

  source_image_reference {
    publisher = "Canonical"
    offer     = "0001-com-ubuntu-server-jammy"
    sku       = "22_04-lts-gen2"
    version   = "latest"
  }

  network_interface {
    name    = "nic"
    primary = true
    ip_configuration {
      name      = "internal"
      primary   = true
      subnet_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ops/providers/Microsoft.Network/virtualNetworks/ops/subnets/workers"
    }
  }
}

resource "azurerm_virtual_machine" "legacy" {
  name                  = "legacy-01"
  location              = "westeurope"
  resource_group_name   = "rg-ops"
  network_interface_ids = ["/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ops/providers/Microsoft.Network/networkInterfaces/legacy-01"]
  vm_size               = "Standard_B2s"

  storage_os_disk {
    name              = "legacy-01-os"
    create_option     = "FromImage"
    managed_disk_type = "Premium_LRS"
  }

  os_profile {
    computer_name  = "legacy-01"
    admin_username = "opsadmin"
    admin_password = var.jump_password
  }

  os_profile_linux_config {
    disable_password_authentication = false
  }
}

variable "jump_password" {
  type      = string
  sensitive = true
  default   = null
}

# The principals the policies above are given to.
resource "aws_iam_user" "carol" {
  name = "carol"
}

resource "aws_iam_user" "erin" {
  name = "erin"
}

resource "aws_iam_group" "readers" {
  name = "readers"
}
