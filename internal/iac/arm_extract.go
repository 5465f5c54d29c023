package iac

import "strings"

// One extractor per ARM resource type (lower-case), listed in
// armExtractors. Each reads a resource's properties into the typed Azure
// models the azurerm extractors fill, so that the same checks judge both.

func armExtractors() map[string]extractor {
	return map[string]extractor{
		"microsoft.storage/storageaccounts":                         (*builder).armStorageAccount,
		"microsoft.storage/storageaccounts/blobservices/containers": (*builder).armStorageContainer,
		"microsoft.network/networksecuritygroups":                   (*builder).armNSG,
		"microsoft.network/networksecuritygroups/securityrules":     (*builder).armNSGRule,
		"microsoft.containerservice/managedclusters":                (*builder).armAKS,
		"microsoft.compute/disks":                                   (*builder).armDisk,
	}
}

// armStorageAccount reads properties.supportsHttpsTrafficOnly (default
// true since API version 2019-04-01), minimumTlsVersion and
// allowBlobPublicAccess (judged only when set, its default having changed
// between API versions). The API documents TLS 1.0 as what an unset
// minimumTlsVersion means, but Azure Storage no longer accepts TLS
// before 1.2, so an unset value is taken as TLS1_2.
func (b *builder) armStorageAccount(blk Block, n node) {
	p, _ := first(n, "properties")
	a := &StorageAccount{
		Block:       blk,
		HTTPSOnly:   getBool(p, "supportsHttpsTrafficOnly", true),
		MinTLS:      getString(p, "minimumTlsVersion", "TLS1_2"),
		PublicBlobs: Unknown[bool](blk.Range),
	}
	if v := getBool(p, "allowBlobPublicAccess"); v.Explicit {
		a.PublicBlobs = v
	}
	b.m.Azure.StorageAccounts = append(b.m.Azure.StorageAccounts, a)
}

// armStorageContainer reads properties.publicAccess (None, Blob or
// Container; default None) as the azurerm access type.
func (b *builder) armStorageContainer(blk Block, n node) {
	p, _ := first(n, "properties")
	v := getString(p, "publicAccess", "None")
	if v.Known {
		v.Val = strings.ToLower(v.Val)
		if v.Val == "none" {
			v.Val = "private"
		}
	}
	b.m.Azure.StorageContainers = append(b.m.Azure.StorageContainers, &StorageContainer{Block: blk, AccessType: v})
}

// armSecurityRule reads a security rule: its name, and the direction,
// access, protocol, sources and destination ports of its properties.
func armSecurityRule(blk Block, n node) *NetworkSecurityRule {
	p, _ := first(n, "properties")
	return &NetworkSecurityRule{
		Block:     blk,
		Name:      getString(n, "name"),
		Direction: getString(p, "direction"),
		Access:    getString(p, "access"),
		Protocol:  getString(p, "protocol"),
		Sources:   singleOrList(p, "sourceAddressPrefix", "sourceAddressPrefixes"),
		Ports:     singleOrList(p, "destinationPortRange", "destinationPortRanges"),
	}
}

// armNSG reads the properties.securityRules of a network security group.
func (b *builder) armNSG(blk Block, n node) {
	p, _ := first(n, "properties")
	for _, r := range p.blocks("securityRules") {
		rb := blk
		rb.Range = r.rng()
		b.m.Azure.SecurityRules = append(b.m.Azure.SecurityRules, armSecurityRule(rb, r))
	}
}

func (b *builder) armNSGRule(blk Block, n node) {
	b.m.Azure.SecurityRules = append(b.m.Azure.SecurityRules, armSecurityRule(blk, n))
}

// armAKS reads properties.enableRBAC (default true), disableLocalAccounts
// (default false) and apiServerAccessProfile's authorizedIPRanges and
// enablePrivateCluster (default false).
func (b *builder) armAKS(blk Block, n node) {
	p, _ := first(n, "properties")
	ap, _ := first(p, "apiServerAccessProfile")
	b.m.Azure.KubernetesClusters = append(b.m.Azure.KubernetesClusters, &KubernetesCluster{
		Block:                blk,
		RBAC:                 getBool(p, "enableRBAC", true),
		LocalAccountDisabled: getBool(p, "disableLocalAccounts", false),
		AuthorizedIPRanges:   getList(ap, "authorizedIPRanges"),
		Private:              getBool(ap, "enablePrivateCluster", false),
	})
}

// armDisk reads properties.encryptionSettingsCollection.enabled (or the
// older encryptionSettings.enabled); platform encryption is on by default.
func (b *builder) armDisk(blk Block, n node) {
	d := &ManagedDisk{Block: blk, EncryptionEnabled: Default(true, blk.Range)}
	p, _ := first(n, "properties")
	for _, name := range []string{"encryptionSettings", "encryptionSettingsCollection"} {
		if es, ok := first(p, name); ok {
			d.EncryptionEnabled = getBool(es, "enabled", true)
		}
	}
	b.m.Azure.ManagedDisks = append(b.m.Azure.ManagedDisks, d)
}
