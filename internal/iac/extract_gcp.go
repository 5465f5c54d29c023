package iac

import "strings"

func (b *builder) gcsBucket(blk Block, n node) {
	b.m.GCP.StorageBuckets = append(b.m.GCP.StorageBuckets, &StorageBucket{
		Block:         blk,
		Name:          getString(n, "name"),
		UniformAccess: getBool(n, "uniform_bucket_level_access", false),
	})
}

func (b *builder) gcsIAMMember(blk Block, n node) {
	m := getString(n, "member")
	b.m.GCP.StorageBucketIAM = append(b.m.GCP.StorageBucketIAM, &StorageBucketIAM{
		Block: blk, Bucket: getString(n, "bucket"),
		Members: List{Items: []Value[string]{m}, Known: true, Explicit: m.Explicit, Range: m.Range},
	})
}

func (b *builder) gcsIAMBinding(blk Block, n node) {
	b.m.GCP.StorageBucketIAM = append(b.m.GCP.StorageBucketIAM, &StorageBucketIAM{
		Block: blk, Bucket: getString(n, "bucket"), Members: getList(n, "members"),
	})
}

// gcsACL reads role entities such as "READER:allUsers" as members.
func (b *builder) gcsACL(blk Block, n node) {
	l := getList(n, "role_entity")
	for i, it := range l.Items {
		if _, ent, ok := strings.Cut(it.Val, ":"); ok {
			l.Items[i].Val = ent
		}
	}
	b.m.GCP.StorageBucketIAM = append(b.m.GCP.StorageBucketIAM, &StorageBucketIAM{Block: blk, Bucket: getString(n, "bucket"), Members: l})
}

func (b *builder) gcsAccessControl(blk Block, n node) {
	e := getString(n, "entity")
	b.m.GCP.StorageBucketIAM = append(b.m.GCP.StorageBucketIAM, &StorageBucketIAM{
		Block: blk, Bucket: getString(n, "bucket"),
		Members: List{Items: []Value[string]{e}, Known: true, Explicit: e.Explicit, Range: e.Range},
	})
}

func (b *builder) gcpFirewall(blk Block, n node) {
	f := &ComputeFirewall{
		Block:     blk,
		Direction: getString(n, "direction", "INGRESS"),
		Disabled:  getBool(n, "disabled", false),
	}
	_, _, tags := n.attr("source_tags")
	_, _, sas := n.attr("source_service_accounts")
	if tags || sas {
		f.SourceRanges = getList(n, "source_ranges")
	} else {
		// With no source at all, GCP admits 0.0.0.0/0.
		f.SourceRanges = getList(n, "source_ranges", "0.0.0.0/0")
	}
	for _, a := range n.blocks("allow") {
		f.Allow = append(f.Allow, FirewallAllow{Range: a.rng(), Protocol: getString(a, "protocol"), Ports: getList(a, "ports", "0-65535")})
	}
	b.m.GCP.Firewalls = append(b.m.GCP.Firewalls, f)
}

func (b *builder) gkeCluster(blk Block, n node) {
	c := &ContainerCluster{
		Block:                    blk,
		DatabaseEncryption:       Default(false, blk.Range),
		LegacyABAC:               getBool(n, "enable_legacy_abac", false),
		PrivateNodes:             Default(false, blk.Range),
		MasterAuthorizedNetworks: Default(false, blk.Range),
	}
	if de, ok := first(n, "database_encryption"); ok {
		st := getString(de, "state")
		c.DatabaseEncryption = Value[bool]{Val: st.Val == "ENCRYPTED", Known: st.Known, Explicit: true, Range: st.Range}
	}
	if pc, ok := first(n, "private_cluster_config"); ok {
		c.PrivateNodes = getBool(pc, "enable_private_nodes", false)
	}
	if man, ok := first(n, "master_authorized_networks_config"); ok {
		c.MasterAuthorizedNetworks = Value[bool]{Val: true, Known: true, Explicit: true, Range: man.rng()}
	}
	autopilot := getBool(n, "enable_autopilot", false)
	if autopilot.Is(true) && !c.PrivateNodes.Explicit {
		c.PrivateNodes = Unknown[bool](blk.Range)
	}
	b.m.GCP.ContainerClusters = append(b.m.GCP.ContainerClusters, c)
	if autopilot.Is(true) {
		return // autopilot nodes always run Container-Optimized OS
	}
	if nc, ok := first(n, "node_config"); ok {
		b.nodeConfig(blk, nc)
	}
	for _, np := range n.blocks("node_pool") {
		if nc, ok := first(np, "node_config"); ok {
			b.nodeConfig(blk, nc)
		}
	}
}

func (b *builder) nodeConfig(blk Block, nc node) {
	r := blk
	r.Range = nc.rng()
	b.m.GCP.NodeConfigs = append(b.m.GCP.NodeConfigs, &NodeConfig{Block: r, ImageType: getString(nc, "image_type", "COS_CONTAINERD")})
}

func (b *builder) gkeNodePool(blk Block, n node) {
	if nc, ok := first(n, "node_config"); ok {
		b.nodeConfig(blk, nc)
	}
}
