package iac

import (
	"go.yaml.in/yaml/v3"
)

// One extractor per CloudFormation resource type, listed in cfnExtractors.
// Each reads the properties fourc's checks inspect into the same typed
// models the Terraform extractors fill, with the same defaults.

// s3Bucket extracts AWS::S3::Bucket.
func (t *cfnTemplate) s3Bucket(b *builder, blk Block, p *yaml.Node) {
	d := blk.Range
	s := &S3Bucket{Block: blk, Name: t.str(mapGet(p, "BucketName"), d), Tags: map[string]string{}}
	for _, tag := range items(mapGet(p, "Tags")) {
		k, v := t.str(mapGet(tag, "Key"), d), t.str(mapGet(tag, "Value"), d)
		if k.Known && v.Known {
			s.Tags[k.Val] = v.Val
		}
	}
	s.Encryption = Default(false, d)
	if enc := mapGet(p, "BucketEncryption"); enc != nil {
		s.Encryption = Value[bool]{Val: true, Known: true, Explicit: true, Range: t.rng(enc, d)}
	}
	s.Versioning = Default(false, d)
	if st := dig(p, "VersioningConfiguration", "Status"); st != nil {
		v := t.str(st, d)
		s.Versioning = Value[bool]{Val: v.Val == "Enabled", Known: v.Known, Explicit: true, Range: v.Range}
	}
	s.ObjectLock = t.boolean(mapGet(p, "ObjectLockEnabled"), d, false)
	s.Logging = Default(false, d)
	if lc := mapGet(p, "LoggingConfiguration"); lc != nil {
		s.Logging = Value[bool]{Val: true, Known: true, Explicit: true, Range: t.rng(lc, d)}
		if dst := mapGet(lc, "DestinationBucketName"); dst != nil {
			b.logTargets = append(b.logTargets, t.str(dst, d))
		}
	}
	acl := t.str(mapGet(p, "AccessControl"), d, "Private")
	acl.Val = map[string]string{"PublicRead": "public-read", "PublicReadWrite": "public-read-write", "AuthenticatedRead": "authenticated-read"}[acl.Val]
	s.ACL = acl
	if pab := mapGet(p, "PublicAccessBlockConfiguration"); pab != nil {
		r := t.rng(pab, d)
		s.PublicAccessBlock = &PublicAccessBlock{
			Block:                 Block{Type: blk.Type, Address: blk.Address, Range: r},
			BlockPublicACLs:       t.boolean(mapGet(pab, "BlockPublicAcls"), r, false),
			BlockPublicPolicy:     t.boolean(mapGet(pab, "BlockPublicPolicy"), r, false),
			IgnorePublicACLs:      t.boolean(mapGet(pab, "IgnorePublicAcls"), r, false),
			RestrictPublicBuckets: t.boolean(mapGet(pab, "RestrictPublicBuckets"), r, false),
		}
	}
	b.m.AWS.S3Buckets = append(b.m.AWS.S3Buckets, s)
}

// securityGroup extracts AWS::EC2::SecurityGroup.
func (t *cfnTemplate) securityGroup(b *builder, blk Block, p *yaml.Node) {
	d := blk.Range
	for _, in := range items(mapGet(p, "SecurityGroupIngress")) {
		rb := blk
		rb.Range = t.rng(in, d)
		b.m.AWS.SecurityGroupRules = append(b.m.AWS.SecurityGroupRules, t.ingress(rb, blk.Address, in))
	}
}

// securityGroupIngress extracts AWS::EC2::SecurityGroupIngress.
func (t *cfnTemplate) securityGroupIngress(b *builder, blk Block, p *yaml.Node) {
	d := blk.Range
	g := t.str(mapGet(p, "GroupId"), d)
	group := ""
	if len(g.Refs) > 0 {
		group = g.Refs[0]
	}
	b.m.AWS.SecurityGroupRules = append(b.m.AWS.SecurityGroupRules, t.ingress(blk, group, p))
}

// volume extracts AWS::EC2::Volume.
func (t *cfnTemplate) volume(b *builder, blk Block, p *yaml.Node) {
	d := blk.Range
	enc := t.boolean(mapGet(p, "Encrypted"), d, false)
	if mapGet(p, "SnapshotId") != nil && !enc.Explicit {
		enc = Unknown[bool](d)
	}
	b.m.AWS.EBSVolumes = append(b.m.AWS.EBSVolumes, &EBSVolume{Block: blk, Encrypted: enc})
}

// instance extracts AWS::EC2::Instance.
func (t *cfnTemplate) instance(b *builder, blk Block, p *yaml.Node) {
	d := blk.Range
	in := &Instance{Block: blk, HTTPTokens: Unknown[string](d), MetadataEndpoint: Unknown[string](d), PublicIP: Unknown[bool](d)}
	t.devices(in, mapGet(p, "BlockDeviceMappings"), d)
	for _, ni := range items(mapGet(p, "NetworkInterfaces")) {
		if v := t.boolean(mapGet(ni, "AssociatePublicIpAddress"), d); v.Explicit {
			in.PublicIP = v
		}
	}
	b.m.AWS.Instances = append(b.m.AWS.Instances, in)
}

// launchTemplate extracts AWS::EC2::LaunchTemplate.
func (t *cfnTemplate) launchTemplate(b *builder, blk Block, p *yaml.Node) {
	d := blk.Range
	ld := mapGet(p, "LaunchTemplateData")
	md := mapGet(ld, "MetadataOptions")
	mr := t.rng(md, d)
	in := &Instance{Block: blk, HTTPTokens: t.str(mapGet(md, "HttpTokens"), mr, "optional"), MetadataEndpoint: t.str(mapGet(md, "HttpEndpoint"), mr, "enabled"), PublicIP: Unknown[bool](d)}
	t.devices(in, mapGet(ld, "BlockDeviceMappings"), d)
	for _, ni := range items(mapGet(ld, "NetworkInterfaces")) {
		if v := t.boolean(mapGet(ni, "AssociatePublicIpAddress"), d); v.Explicit {
			in.PublicIP = v
		}
	}
	b.m.AWS.Instances = append(b.m.AWS.Instances, in)
}

// dbInstance extracts AWS::RDS::DBInstance.
func (t *cfnTemplate) dbInstance(b *builder, blk Block, p *yaml.Node) {
	d := blk.Range
	db := &DBInstance{
		Block:              blk,
		StorageEncrypted:   t.boolean(mapGet(p, "StorageEncrypted"), d, false),
		PubliclyAccessible: t.boolean(mapGet(p, "PubliclyAccessible"), d, false),
		DeletionProtection: t.boolean(mapGet(p, "DeletionProtection"), d, false),
		BackupRetention:    t.integer(mapGet(p, "BackupRetentionPeriod"), d, 1),
	}
	if !db.StorageEncrypted.Explicit && (mapGet(p, "DBClusterIdentifier") != nil || mapGet(p, "SourceDBInstanceIdentifier") != nil || mapGet(p, "DBSnapshotIdentifier") != nil) {
		db.StorageEncrypted = Unknown[bool](d)
	}
	b.m.AWS.DBInstances = append(b.m.AWS.DBInstances, db)
}

// dbCluster extracts AWS::RDS::DBCluster.
func (t *cfnTemplate) dbCluster(b *builder, blk Block, p *yaml.Node) {
	d := blk.Range
	db := &DBInstance{
		Block:              blk,
		StorageEncrypted:   t.boolean(mapGet(p, "StorageEncrypted"), d, false),
		PubliclyAccessible: t.boolean(mapGet(p, "PubliclyAccessible"), d, false),
		DeletionProtection: t.boolean(mapGet(p, "DeletionProtection"), d, false),
		BackupRetention:    t.integer(mapGet(p, "BackupRetentionPeriod"), d, 1),
	}
	if !db.StorageEncrypted.Explicit && (mapGet(p, "SnapshotIdentifier") != nil || mapGet(p, "SourceDBClusterIdentifier") != nil || t.str(mapGet(p, "EngineMode"), d).Is("serverless")) {
		db.StorageEncrypted = Unknown[bool](d)
	}
	b.m.AWS.DBInstances = append(b.m.AWS.DBInstances, db)
}

// eksCluster extracts AWS::EKS::Cluster.
func (t *cfnTemplate) eksCluster(b *builder, blk Block, p *yaml.Node) {
	d := blk.Range
	vpc := mapGet(p, "ResourcesVpcConfig")
	c := &EKSCluster{
		Block:             blk,
		PublicAccess:      t.boolean(mapGet(vpc, "EndpointPublicAccess"), d, true),
		PublicAccessCIDRs: t.list(mapGet(vpc, "PublicAccessCidrs"), d),
		SecretsEncryption: Default(false, d),
		LogTypes:          List{Known: true, Range: d},
	}
	if !c.PublicAccessCIDRs.Explicit {
		c.PublicAccessCIDRs.Items = []Value[string]{Default("0.0.0.0/0", d)}
	}
	for _, ec := range items(mapGet(p, "EncryptionConfig")) {
		res := t.list(mapGet(ec, "Resources"), d)
		if res.Has("secrets") {
			c.SecretsEncryption = Value[bool]{Val: true, Known: true, Explicit: true, Range: res.Range}
		} else if !res.WhollyKnown() {
			c.SecretsEncryption = Unknown[bool](d)
		}
	}
	if types := dig(p, "Logging", "ClusterLogging", "EnabledTypes"); types != nil {
		c.LogTypes = List{Known: true, Explicit: true, Range: t.rng(types, d)}
		if items(types) == nil && types.Kind != yaml.SequenceNode {
			c.LogTypes.Known = false
		}
		for _, it := range items(types) {
			c.LogTypes.Items = append(c.LogTypes.Items, t.str(mapGet(it, "Type"), d))
		}
	}
	b.m.AWS.EKSClusters = append(b.m.AWS.EKSClusters, c)
}

// iamPolicy extracts AWS::IAM::Policy or AWS::IAM::ManagedPolicy.
func (t *cfnTemplate) iamPolicy(b *builder, blk Block, p *yaml.Node) {
	d := blk.Range
	if doc := mapGet(p, "PolicyDocument"); doc != nil {
		b.m.AWS.PolicyDocuments = append(b.m.AWS.PolicyDocuments, t.policy(blk, doc, d))
	}
}

// iamIdentity extracts AWS::IAM::Role or AWS::IAM::User or AWS::IAM::Group.
func (t *cfnTemplate) iamIdentity(b *builder, blk Block, p *yaml.Node) {
	d := blk.Range
	for _, pol := range items(mapGet(p, "Policies")) {
		if doc := mapGet(pol, "PolicyDocument"); doc != nil {
			b.m.AWS.PolicyDocuments = append(b.m.AWS.PolicyDocuments, t.policy(blk, doc, d))
		}
	}
	if blk.Type == "AWS::IAM::User" {
		arns := t.list(mapGet(p, "ManagedPolicyArns"), d)
		b.m.AWS.PolicyAttachments = append(b.m.AWS.PolicyAttachments, &PolicyAttachment{
			Block: blk, PolicyARN: firstARN(arns, d),
			Users: List{Items: []Value[string]{{Val: blk.Address, Known: true}}, Known: true, Range: d},
		})
	}
}

// trail extracts AWS::CloudTrail::Trail.
func (t *cfnTemplate) trail(b *builder, blk Block, p *yaml.Node) {
	d := blk.Range
	b.trails++
	b.m.AWS.CloudTrails = append(b.m.AWS.CloudTrails, &CloudTrail{
		Block:         blk,
		MultiRegion:   t.boolean(mapGet(p, "IsMultiRegionTrail"), d, false),
		LogValidation: t.boolean(mapGet(p, "EnableLogFileValidation"), d, false),
		Bucket:        t.str(mapGet(p, "S3BucketName"), d),
	})
}

// vpc extracts AWS::EC2::VPC.
func (*cfnTemplate) vpc(b *builder, blk Block, _ *yaml.Node) {
	d := blk.Range
	b.m.AWS.VPCs = append(b.m.AWS.VPCs, &VPC{Block: blk, FlowLogs: Default(false, d)})
}

// flowLog extracts AWS::EC2::FlowLog.
func (t *cfnTemplate) flowLog(b *builder, blk Block, p *yaml.Node) {
	d := blk.Range
	if t.str(mapGet(p, "ResourceType"), d).Is("VPC") {
		b.flowLogs = append(b.flowLogs, t.str(mapGet(p, "ResourceId"), d))
	}
}

// kmsKey extracts AWS::KMS::Key.
func (t *cfnTemplate) kmsKey(b *builder, blk Block, p *yaml.Node) {
	d := blk.Range
	b.m.AWS.KMSKeys = append(b.m.AWS.KMSKeys, &KMSKey{
		Block:    blk,
		Rotation: t.boolean(mapGet(p, "EnableKeyRotation"), d, false),
		KeySpec:  t.str(mapGet(p, "KeySpec"), d, "SYMMETRIC_DEFAULT"),
		KeyUsage: t.str(mapGet(p, "KeyUsage"), d, "ENCRYPT_DECRYPT"),
	})
}

// ecrRepository extracts AWS::ECR::Repository.
func (t *cfnTemplate) ecrRepository(b *builder, blk Block, p *yaml.Node) {
	d := blk.Range
	sc := mapGet(p, "ImageScanningConfiguration")
	b.m.AWS.ECRRepositories = append(b.m.AWS.ECRRepositories, &ECRRepository{
		Block:         blk,
		Name:          t.str(mapGet(p, "RepositoryName"), d),
		ScanOnPush:    t.boolean(mapGet(sc, "ScanOnPush"), t.rng(sc, d), false),
		TagMutability: t.str(mapGet(p, "ImageTagMutability"), d, "MUTABLE"),
	})
}

// registryScanning extracts AWS::ECR::RegistryScanningConfiguration.
func (*cfnTemplate) registryScanning(b *builder, _ Block, _ *yaml.Node) {
	b.registryScanning = true
}

// efs extracts AWS::EFS::FileSystem.
func (t *cfnTemplate) efs(b *builder, blk Block, p *yaml.Node) {
	d := blk.Range
	b.m.AWS.EFSFileSystems = append(b.m.AWS.EFSFileSystems, &EFSFileSystem{Block: blk, Encrypted: t.boolean(mapGet(p, "Encrypted"), d, false)})
}
