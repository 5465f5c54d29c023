package iac

func (b *builder) azStorageAccount(blk Block, n node) {
	a := &StorageAccount{
		Block:       blk,
		HTTPSOnly:   getBool(n, "https_traffic_only_enabled", true),
		MinTLS:      getString(n, "min_tls_version", "TLS1_2"),
		PublicBlobs: Unknown[bool](blk.Range),
	}
	if v := getBool(n, "enable_https_traffic_only"); v.Explicit {
		a.HTTPSOnly = v
	}
	// The default of these changed between provider versions, so only an
	// explicit setting is known.
	for _, name := range []string{"allow_nested_items_to_be_public", "allow_blob_public_access"} {
		if v := getBool(n, name); v.Explicit {
			a.PublicBlobs = v
		}
	}
	b.m.Azure.StorageAccounts = append(b.m.Azure.StorageAccounts, a)
}

func (b *builder) azStorageContainer(blk Block, n node) {
	b.m.Azure.StorageContainers = append(b.m.Azure.StorageContainers, &StorageContainer{Block: blk, AccessType: getString(n, "container_access_type", "private")})
}

// securityRule reads one NSG rule, whose sources and destination ports are
// each given as a single value or as a list.
func securityRule(blk Block, n node) *NetworkSecurityRule {
	return &NetworkSecurityRule{
		Block:     blk,
		Name:      getString(n, "name"),
		Direction: getString(n, "direction"),
		Access:    getString(n, "access"),
		Protocol:  getString(n, "protocol"),
		Sources:   singleOrList(n, "source_address_prefix", "source_address_prefixes"),
		Ports:     singleOrList(n, "destination_port_range", "destination_port_ranges"),
	}
}

// singleOrList reads a list given as a single value, a list, or both.
func singleOrList(n node, single, plural string) List {
	l := getList(n, plural)
	if s := getString(n, single); s.Explicit {
		l.Items = append([]Value[string]{s}, l.Items...)
		l.Explicit = true
		l.Range = s.Range
	}
	return l
}

func (b *builder) azNSG(blk Block, n node) {
	for _, r := range n.blocks("security_rule") {
		rb := blk
		rb.Range = r.rng()
		b.m.Azure.SecurityRules = append(b.m.Azure.SecurityRules, securityRule(rb, r))
	}
}

func (b *builder) azNSGRule(blk Block, n node) {
	b.m.Azure.SecurityRules = append(b.m.Azure.SecurityRules, securityRule(blk, n))
}

func (b *builder) azAKS(blk Block, n node) {
	c := &KubernetesCluster{
		Block:                blk,
		RBAC:                 getBool(n, "role_based_access_control_enabled", true),
		LocalAccountDisabled: getBool(n, "local_account_disabled", false),
		AuthorizedIPRanges:   getList(n, "api_server_authorized_ip_ranges"),
		Private:              getBool(n, "private_cluster_enabled", false),
	}
	if rb, ok := first(n, "role_based_access_control"); ok {
		c.RBAC = getBool(rb, "enabled", true)
	}
	if ap, ok := first(n, "api_server_access_profile"); ok {
		if l := getList(ap, "authorized_ip_ranges"); l.Explicit {
			c.AuthorizedIPRanges = l
		}
	}
	b.m.Azure.KubernetesClusters = append(b.m.Azure.KubernetesClusters, c)
}

func (b *builder) azManagedDisk(blk Block, n node) {
	d := &ManagedDisk{Block: blk, EncryptionEnabled: Default(true, blk.Range)}
	if es, ok := first(n, "encryption_settings"); ok {
		d.EncryptionEnabled = getBool(es, "enabled", true)
	}
	b.m.Azure.ManagedDisks = append(b.m.Azure.ManagedDisks, d)
}
