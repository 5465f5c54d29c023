package iac

import (
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// adminPolicy is the name of AWS's managed administrator policy.
const adminPolicy = "policy/AdministratorAccess"

func (b *builder) s3Bucket(blk Block, n node) {
	s := &S3Bucket{Block: blk, Name: getString(n, "bucket"), Tags: getMap(n, "tags"), ACL: getString(n, "acl", "private")}
	s.Encryption = Default(false, blk.Range)
	if sse, ok := first(n, "server_side_encryption_configuration"); ok {
		s.Encryption = Value[bool]{Val: true, Known: true, Explicit: true, Range: sse.rng()}
	}
	s.Versioning = Default(false, blk.Range)
	if v, ok := first(n, "versioning"); ok {
		s.Versioning = getBool(v, "enabled", false)
	}
	s.ObjectLock = getBool(n, "object_lock_enabled", false)
	if ol, ok := first(n, "object_lock_configuration"); ok {
		st := getString(ol, "object_lock_enabled", "Enabled")
		s.ObjectLock = Value[bool]{Val: st.Val == "Enabled", Known: st.Known, Explicit: true, Range: st.Range}
	}
	s.Logging = Default(false, blk.Range)
	if l, ok := first(n, "logging"); ok {
		s.Logging = Value[bool]{Val: true, Known: true, Explicit: true, Range: l.rng()}
		b.logTargets = append(b.logTargets, getString(l, "target_bucket"))
	}
	b.m.AWS.S3Buckets = append(b.m.AWS.S3Buckets, s)
}

func (b *builder) s3Logging(blk Block, n node) {
	b.s3Log = append(b.s3Log, s3Setting{blk: blk, bucket: getString(n, "bucket"), enabled: Value[bool]{Val: true, Known: true, Explicit: true, Range: blk.Range}})
	b.logTargets = append(b.logTargets, getString(n, "target_bucket"))
}

func (b *builder) s3Encryption(blk Block, n node) {
	b.s3Enc = append(b.s3Enc, s3Setting{blk: blk, bucket: getString(n, "bucket"), enabled: Value[bool]{Val: true, Known: true, Explicit: true, Range: blk.Range}})
}

func (b *builder) s3Versioning(blk Block, n node) {
	vc, _ := first(n, "versioning_configuration")
	st := getString(vc, "status")
	b.s3Ver = append(b.s3Ver, s3Setting{blk: blk, bucket: getString(n, "bucket"),
		enabled: Value[bool]{Val: st.Val == "Enabled", Known: st.Known, Explicit: true, Range: st.Range}})
}

func (b *builder) s3BucketACL(blk Block, n node) {
	acl := getString(n, "acl")
	if !acl.Explicit {
		acl = Unknown[string](blk.Range)
		if p, ok := first(n, "access_control_policy"); ok && publicGrant(p) {
			acl = Value[string]{Val: "public-read", Known: true, Explicit: true, Range: p.rng()}
		}
	}
	b.s3ACL = append(b.s3ACL, s3Setting{blk: blk, bucket: getString(n, "bucket"), acl: acl})
}

// publicGrant reports whether an access control policy grants anything to
// the AllUsers or AuthenticatedUsers groups.
func publicGrant(p node) bool {
	for _, g := range p.blocks("grant") {
		for _, gr := range g.blocks("grantee") {
			uri := getString(gr, "uri")
			if uri.Known && (strings.HasSuffix(uri.Val, "/global/AllUsers") || strings.HasSuffix(uri.Val, "/global/AuthenticatedUsers")) {
				return true
			}
		}
	}
	return false
}

func readPAB(blk Block, n node) *PublicAccessBlock {
	return &PublicAccessBlock{
		Block:                 blk,
		BlockPublicACLs:       getBool(n, "block_public_acls", false),
		BlockPublicPolicy:     getBool(n, "block_public_policy", false),
		IgnorePublicACLs:      getBool(n, "ignore_public_acls", false),
		RestrictPublicBuckets: getBool(n, "restrict_public_buckets", false),
	}
}

func (b *builder) s3PublicAccessBlock(blk Block, n node) {
	b.s3PAB = append(b.s3PAB, s3Setting{blk: blk, bucket: getString(n, "bucket"), pab: readPAB(blk, n)})
}

func (b *builder) s3AccountPublicAccessBlock(blk Block, n node) {
	b.accountPAB = readPAB(blk, n)
}

func (b *builder) s3ObjectLock(blk Block, n node) {
	b.s3Lock = append(b.s3Lock, s3Setting{blk: blk, bucket: getString(n, "bucket"), enabled: Value[bool]{Val: true, Known: true, Explicit: true, Range: blk.Range}})
}

// apply applies the settings that name bucket s: a matching setting wins;
// an ambiguous one makes a default value unknown.
func apply[T comparable](s *S3Bucket, settings []s3Setting, cur Value[T], get func(s3Setting) Value[T]) Value[T] {
	amb := false
	for _, st := range settings {
		switch matchTarget(st.bucket, s.Address, s.Name) {
		case matches:
			return get(st)
		case ambiguous:
			amb = true
		}
	}
	if amb && !cur.Explicit {
		return Unknown[T](cur.Range)
	}
	return cur
}

func (b *builder) linkS3() {
	enabled := func(st s3Setting) Value[bool] { return st.enabled }
	for _, s := range b.m.AWS.S3Buckets {
		if !s.Encryption.Is(true) {
			s.Encryption = apply(s, b.s3Enc, s.Encryption, enabled)
		}
		s.Versioning = apply(s, b.s3Ver, s.Versioning, enabled)
		if !s.ObjectLock.Is(true) {
			s.ObjectLock = apply(s, b.s3Lock, s.ObjectLock, enabled)
		}
		s.ACL = apply(s, b.s3ACL, s.ACL, func(st s3Setting) Value[string] { return st.acl })
		for _, st := range b.s3PAB {
			switch matchTarget(st.bucket, s.Address, s.Name) {
			case matches:
				s.PublicAccessBlock = st.pab
			case ambiguous:
				s.PublicAccessBlockUnknown = true
			}
		}
		if s.PublicAccessBlock == nil && b.accountPAB != nil {
			s.PublicAccessBlock = b.accountPAB
		}
		if !s.Logging.Is(true) {
			s.Logging = apply(s, b.s3Log, s.Logging, enabled)
		}
		for _, t := range b.logTargets {
			if matchTarget(t, s.Address, s.Name) != noMatch {
				s.LogTarget = true
			}
		}
		for _, t := range b.m.AWS.CloudTrails {
			if s.Trail == "" && matchTarget(t.Bucket, s.Address, s.Name) == matches {
				s.Trail = t.Address
			}
		}
	}
}

// ingressRule reads the common attributes of an ingress rule.
func ingressRule(blk Block, group string, n node) *SecurityGroupRule {
	src := getList(n, "cidr_blocks")
	v6 := getList(n, "ipv6_cidr_blocks")
	src.Items = append(src.Items, v6.Items...)
	src.Known = src.Known && v6.Known
	return &SecurityGroupRule{
		Block:    blk,
		Group:    group,
		Protocol: getString(n, "protocol"),
		FromPort: getInt(n, "from_port"),
		ToPort:   getInt(n, "to_port"),
		Sources:  src,
	}
}

func (b *builder) securityGroup(blk Block, n node) {
	for _, in := range n.blocks("ingress") {
		r := blk
		r.Range = in.rng()
		b.m.AWS.SecurityGroupRules = append(b.m.AWS.SecurityGroupRules, ingressRule(r, blk.Address, in))
	}
}

func (b *builder) securityGroupRule(blk Block, n node) {
	if !getString(n, "type").Is("ingress") {
		return
	}
	group := getString(n, "security_group_id")
	g := ""
	if len(group.Refs) > 0 {
		g = group.Refs[0]
	}
	b.m.AWS.SecurityGroupRules = append(b.m.AWS.SecurityGroupRules, ingressRule(blk, g, n))
}

func (b *builder) vpcIngressRule(blk Block, n node) {
	group := getString(n, "security_group_id")
	g := ""
	if len(group.Refs) > 0 {
		g = group.Refs[0]
	}
	src := List{Known: true, Range: blk.Range}
	for _, a := range []string{"cidr_ipv4", "cidr_ipv6"} {
		if v := getString(n, a); v.Explicit {
			src.Items = append(src.Items, v)
			src.Explicit = true
			src.Range = v.Range
		}
	}
	b.m.AWS.SecurityGroupRules = append(b.m.AWS.SecurityGroupRules, &SecurityGroupRule{
		Block:    blk,
		Group:    g,
		Protocol: getString(n, "ip_protocol"),
		FromPort: getInt(n, "from_port"),
		ToPort:   getInt(n, "to_port"),
		Sources:  src,
	})
}

// encryptedDefault reads an "encrypted" attribute whose default is false,
// unless the disk is made from a snapshot (whose encryption it inherits).
func encryptedDefault(n node) Value[bool] {
	if _, _, fromSnapshot := n.attr("snapshot_id"); fromSnapshot {
		return getBool(n, "encrypted")
	}
	return getBool(n, "encrypted", false)
}

func (b *builder) ebsVolume(blk Block, n node) {
	b.m.AWS.EBSVolumes = append(b.m.AWS.EBSVolumes, &EBSVolume{Block: blk, Encrypted: encryptedDefault(n)})
}

func (b *builder) ebsEncryptionByDefault(blk Block, n node) {
	enabled := getBool(n, "enabled", true)
	b.m.AWS.EBSDefaults = append(b.m.AWS.EBSDefaults, &EBSEncryptionDefault{Block: blk, Enabled: enabled})
	if enabled.Is(true) {
		b.ebsDefault = &blk
	}
}

func metadata(in *Instance, n node) {
	md, _ := first(n, "metadata_options")
	in.HTTPTokens = getString(md, "http_tokens", "optional")
	in.MetadataEndpoint = getString(md, "http_endpoint", "enabled")
}

func (b *builder) awsInstance(blk Block, n node) {
	in := &Instance{Block: blk, PublicIP: getBool(n, "associate_public_ip_address")}
	metadata(in, n)
	for _, d := range n.blocks("root_block_device") {
		in.BlockDevices = append(in.BlockDevices, BlockDevice{Name: "root", Range: d.rng(), Encrypted: getBool(d, "encrypted")})
	}
	for _, d := range n.blocks("ebs_block_device") {
		in.BlockDevices = append(in.BlockDevices, BlockDevice{Name: getString(d, "device_name").Val, Range: d.rng(), Encrypted: encryptedDefault(d)})
	}
	b.m.AWS.Instances = append(b.m.AWS.Instances, in)
}

func (b *builder) launchTemplate(blk Block, n node) {
	in := &Instance{Block: blk, PublicIP: Unknown[bool](blk.Range)}
	metadata(in, n)
	for _, ni := range n.blocks("network_interfaces") {
		if p := getBool(ni, "associate_public_ip_address"); p.Explicit {
			in.PublicIP = p
		}
	}
	for _, d := range n.blocks("block_device_mappings") {
		ebs, ok := first(d, "ebs")
		if !ok {
			continue
		}
		in.BlockDevices = append(in.BlockDevices, BlockDevice{Name: getString(d, "device_name").Val, Range: ebs.rng(), Encrypted: encryptedDefault(ebs)})
	}
	b.m.AWS.Instances = append(b.m.AWS.Instances, in)
}

func (b *builder) launchConfiguration(blk Block, n node) {
	in := &Instance{Block: blk, PublicIP: getBool(n, "associate_public_ip_address")}
	metadata(in, n)
	for _, d := range n.blocks("root_block_device") {
		in.BlockDevices = append(in.BlockDevices, BlockDevice{Name: "root", Range: d.rng(), Encrypted: getBool(d, "encrypted")})
	}
	for _, d := range n.blocks("ebs_block_device") {
		in.BlockDevices = append(in.BlockDevices, BlockDevice{Name: getString(d, "device_name").Val, Range: d.rng(), Encrypted: encryptedDefault(d)})
	}
	b.m.AWS.Instances = append(b.m.AWS.Instances, in)
}

func (b *builder) dbInstance(blk Block, n node) {
	db := &DBInstance{
		Block:              blk,
		StorageEncrypted:   getBool(n, "storage_encrypted", false),
		PubliclyAccessible: getBool(n, "publicly_accessible", false),
		DeletionProtection: getBool(n, "deletion_protection", false),
		BackupRetention:    getInt(n, "backup_retention_period"),
	}
	engine := getString(n, "engine")
	_, _, replica := n.attr("replicate_source_db")
	_, _, snapshot := n.attr("snapshot_identifier")
	if !db.StorageEncrypted.Explicit && (replica || snapshot || !engine.Known || strings.HasPrefix(engine.Val, "aurora")) {
		// encryption is inherited from the source or the cluster
		db.StorageEncrypted = Unknown[bool](blk.Range)
	}
	if replica && !db.BackupRetention.Explicit {
		db.BackupRetention = Unknown[int](blk.Range)
	}
	b.m.AWS.DBInstances = append(b.m.AWS.DBInstances, db)
}

func (b *builder) rdsCluster(blk Block, n node) {
	db := &DBInstance{
		Block:              blk,
		StorageEncrypted:   getBool(n, "storage_encrypted", false),
		PubliclyAccessible: Default(false, blk.Range),
		DeletionProtection: getBool(n, "deletion_protection", false),
		BackupRetention:    getInt(n, "backup_retention_period", 1),
	}
	if mode := getString(n, "engine_mode"); !db.StorageEncrypted.Explicit && mode.Is("serverless") {
		db.StorageEncrypted = Default(true, blk.Range)
	}
	_, _, snapshot := n.attr("snapshot_identifier")
	_, _, source := n.attr("replication_source_identifier")
	if !db.StorageEncrypted.Explicit && (snapshot || source) {
		db.StorageEncrypted = Unknown[bool](blk.Range)
	}
	b.m.AWS.DBInstances = append(b.m.AWS.DBInstances, db)
}

func (b *builder) eksCluster(blk Block, n node) {
	vpc, _ := first(n, "vpc_config")
	c := &EKSCluster{
		Block:             blk,
		PublicAccess:      getBool(vpc, "endpoint_public_access", true),
		PublicAccessCIDRs: getList(vpc, "public_access_cidrs", "0.0.0.0/0"),
		SecretsEncryption: Default(false, blk.Range),
		LogTypes:          getList(n, "enabled_cluster_log_types"),
	}
	for _, ec := range n.blocks("encryption_config") {
		res := getList(ec, "resources")
		switch {
		case res.Has("secrets"):
			c.SecretsEncryption = Value[bool]{Val: true, Known: true, Explicit: true, Range: res.Range}
		case !res.WhollyKnown() && !c.SecretsEncryption.Val:
			c.SecretsEncryption = Unknown[bool](ec.rng())
		}
	}
	b.m.AWS.EKSClusters = append(b.m.AWS.EKSClusters, c)
}

func (b *builder) iamPolicy(blk Block, n node) {
	doc, r, ok := n.document("policy")
	if !ok {
		return
	}
	p := &PolicyDocument{Block: blk, User: Unknown[string](blk.Range), Statements: statementsOf(doc, r)}
	locateStatements(n, "policy", p.Statements)
	if blk.Type == "aws_iam_user_policy" {
		p.User = getString(n, "user")
	}
	b.m.AWS.PolicyDocuments = append(b.m.AWS.PolicyDocuments, p)
}

// iamRole reads the inline_policy blocks of an aws_iam_role.
func (b *builder) iamRole(blk Block, n node) {
	for _, ip := range n.blocks("inline_policy") {
		doc, r, ok := ip.document("policy")
		if !ok {
			continue
		}
		p := &PolicyDocument{Block: Block{Type: blk.Type, Address: blk.Address, Range: ip.rng()}, User: Unknown[string](blk.Range), Statements: statementsOf(doc, r)}
		locateStatements(ip, "policy", p.Statements)
		b.m.AWS.PolicyDocuments = append(b.m.AWS.PolicyDocuments, p)
	}
}

// statementsOf reads the statements of a decoded policy document; unknown
// parts yield unknown values, never guesses.
func statementsOf(doc cty.Value, r Range) []Statement {
	doc, _ = unmark(doc)
	if doc.IsNull() || !doc.IsKnown() || !(doc.Type().IsObjectType() || doc.Type().IsMapType()) {
		return nil
	}
	st, ok := getKey(doc, "Statement")
	if !ok {
		return nil
	}
	els, known := elements(st)
	if !known {
		return nil
	}
	var out []Statement
	for _, e := range els {
		if e.IsNull() || !e.IsKnown() || !(e.Type().IsObjectType() || e.Type().IsMapType()) {
			continue
		}
		s := Statement{Range: r, Effect: Value[string]{Range: r, Explicit: true}}
		if v, ok := getKey(e, "Effect"); ok {
			s.Effect.Val, s.Effect.Known = toString(v)
		}
		s.Actions = docList(e, "Action", r)
		s.Resources = docList(e, "Resource", r)
		s.NotActions = docList(e, "NotAction", r)
		s.NotResources = docList(e, "NotResource", r)
		s.Principals = docPrincipals(e, r)
		_, cond := getKey(e, "Condition")
		s.Conditional = Value[bool]{Val: cond, Known: true, Explicit: cond, Range: r}
		out = append(out, s)
	}
	return out
}

func getKey(obj cty.Value, key string) (cty.Value, bool) {
	if obj.Type().IsObjectType() {
		if !obj.Type().HasAttribute(key) {
			return cty.NilVal, false
		}
		return obj.GetAttr(key), true
	}
	k := cty.StringVal(key)
	if !obj.HasIndex(k).True() {
		return cty.NilVal, false
	}
	return obj.Index(k), true
}

func docList(obj cty.Value, key string, r Range) List {
	v, ok := getKey(obj, key)
	if !ok {
		return List{Known: true, Range: r}
	}
	return listOf(v, r)
}

// docPrincipals reads a statement's Principal as "TYPE:ID" items ("*"
// for Principal "*").
func docPrincipals(obj cty.Value, r Range) List {
	v, ok := getKey(obj, "Principal")
	if !ok {
		return List{Known: true, Range: r}
	}
	v, _ = unmark(v)
	if s, ok := toString(v); ok {
		return List{Items: []Value[string]{{Val: s, Known: true, Explicit: true, Range: r}}, Known: true, Explicit: true, Range: r}
	}
	l := List{Explicit: true, Range: r}
	if v.IsNull() || !v.IsKnown() || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
		return l
	}
	l.Known = true
	for it := v.ElementIterator(); it.Next(); {
		k, v := it.Element()
		ids := listOf(v, r)
		l.Known = l.Known && ids.Known
		for _, id := range ids.Items {
			id.Val = k.AsString() + ":" + id.Val
			l.Items = append(l.Items, id)
		}
	}
	return l
}

func (b *builder) iamPolicyDocument(blk Block, n node) {
	p := &PolicyDocument{Block: blk, User: Unknown[string](blk.Range)}
	for _, st := range n.blocks("statement") {
		s := Statement{
			Range:        st.rng(),
			Effect:       getString(st, "effect", "Allow"),
			Actions:      getList(st, "actions"),
			Resources:    getList(st, "resources"),
			NotActions:   getList(st, "not_actions"),
			NotResources: getList(st, "not_resources"),
			Principals:   List{Known: true, Range: st.rng()},
		}
		for _, pr := range st.blocks("principals") {
			typ := getString(pr, "type")
			for _, id := range getList(pr, "identifiers").Items {
				id.Val, id.Known = typ.Val+":"+id.Val, id.Known && typ.Known
				s.Principals.Items = append(s.Principals.Items, id)
				s.Principals.Explicit = true
			}
		}
		cond := len(st.blocks("condition")) > 0
		s.Conditional = Value[bool]{Val: cond, Known: true, Explicit: cond, Range: st.rng()}
		p.Statements = append(p.Statements, s)
	}
	b.m.AWS.PolicyDocuments = append(b.m.AWS.PolicyDocuments, p)
}

func (b *builder) iamUserPolicyAttachment(blk Block, n node) {
	u := getString(n, "user")
	b.m.AWS.PolicyAttachments = append(b.m.AWS.PolicyAttachments, &PolicyAttachment{
		Block:     blk,
		PolicyARN: getString(n, "policy_arn"),
		Users:     List{Items: []Value[string]{u}, Known: true, Explicit: u.Explicit, Range: u.Range, Refs: u.Refs},
	})
}

func (b *builder) iamPolicyAttachment(blk Block, n node) {
	b.m.AWS.PolicyAttachments = append(b.m.AWS.PolicyAttachments, &PolicyAttachment{
		Block:     blk,
		PolicyARN: getString(n, "policy_arn"),
		Users:     getList(n, "users"),
	})
}

func (b *builder) iamUser(blk Block, n node) {
	b.users = append(b.users, iamUser{blk: blk, name: getString(n, "name")})
}

func (b *builder) iamAccessKey(blk Block, n node) {
	b.m.AWS.AccessKeys = append(b.m.AWS.AccessKeys, &AccessKey{Block: blk, User: getString(n, "user")})
}

// sameUser reports whether two user references (by resource reference or
// by name) certainly name the same IAM user.
func sameUser(a Value[string], refs []string, b Value[string]) bool {
	for _, r := range a.Refs {
		for _, s := range refs {
			if r == s || baseAddress(r) == baseAddress(s) {
				return true
			}
		}
	}
	return len(a.Refs) == 0 && a.Known && b.Known && a.Val == b.Val
}

func (b *builder) linkIAM() {
	for _, k := range b.m.AWS.AccessKeys {
		for _, a := range b.m.AWS.PolicyAttachments {
			if !a.PolicyARN.Known || !strings.HasSuffix(a.PolicyARN.Val, ":"+adminPolicy) {
				continue
			}
			for _, u := range a.Users.Items {
				if sameUser(k.User, a.Users.Refs, u) {
					k.AdminVia = a.Address
				}
			}
		}
		if k.AdminVia != "" {
			continue
		}
		for _, p := range b.m.AWS.PolicyDocuments {
			if p.Type == "aws_iam_user_policy" && sameUser(k.User, p.User.Refs, p.User) && allowsAll(p) {
				k.AdminVia = p.Address
			}
		}
	}
}

// allowsAll reports whether a document has an Allow statement for every
// action.
func allowsAll(p *PolicyDocument) bool {
	for _, s := range p.Statements {
		if s.Effect.Is("Allow") && s.Actions.Has("*") {
			return true
		}
	}
	return false
}

func (b *builder) cloudTrail(blk Block, n node) {
	b.trails++
	b.m.AWS.CloudTrails = append(b.m.AWS.CloudTrails, &CloudTrail{
		Block:         blk,
		MultiRegion:   getBool(n, "is_multi_region_trail", false),
		LogValidation: getBool(n, "enable_log_file_validation", false),
		Bucket:        getString(n, "s3_bucket_name"),
	})
}

func (b *builder) vpc(blk Block, _ node) {
	b.m.AWS.VPCs = append(b.m.AWS.VPCs, &VPC{Block: blk, FlowLogs: Default(false, blk.Range)})
}

func (b *builder) flowLog(_ Block, n node) {
	if v := getString(n, "vpc_id"); v.Explicit {
		b.flowLogs = append(b.flowLogs, v)
	}
}

func (b *builder) kmsKey(blk Block, n node) {
	b.m.AWS.KMSKeys = append(b.m.AWS.KMSKeys, &KMSKey{
		Block:    blk,
		Rotation: getBool(n, "enable_key_rotation", false),
		KeySpec:  getString(n, "customer_master_key_spec", "SYMMETRIC_DEFAULT"),
		KeyUsage: getString(n, "key_usage", "ENCRYPT_DECRYPT"),
	})
}

func (b *builder) ebsDefaultKey(blk Block, n node) {
	b.m.AWS.EBSDefaultKeys = append(b.m.AWS.EBSDefaultKeys, &EBSDefaultKMSKey{Block: blk, KeyARN: getString(n, "key_arn")})
}

func (b *builder) efs(blk Block, n node) {
	b.m.AWS.EFSFileSystems = append(b.m.AWS.EFSFileSystems, &EFSFileSystem{Block: blk, Encrypted: getBool(n, "encrypted", false)})
}

func (b *builder) ecrRepository(blk Block, n node) {
	sc, _ := first(n, "image_scanning_configuration")
	b.m.AWS.ECRRepositories = append(b.m.AWS.ECRRepositories, &ECRRepository{
		Block:         blk,
		Name:          getString(n, "name"),
		ScanOnPush:    getBool(sc, "scan_on_push", false),
		TagMutability: getString(n, "image_tag_mutability", "MUTABLE"),
	})
}

func (b *builder) ecrRegistryScanning(Block, node) { b.registryScanning = true }
