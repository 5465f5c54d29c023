package iac

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
)

// isTemplate reports whether the start of a YAML or JSON file looks like
// a CloudFormation template.
func isTemplate(head []byte) bool {
	return bytes.Contains(head, []byte("AWSTemplateFormatVersion")) ||
		(bytes.Contains(head, []byte("Resources")) && bytes.Contains(head, []byte("AWS::")))
}

// cfnTemplate is a parsed CloudFormation template. Intrinsic functions are
// resolved where that is exact (Ref to a parameter with a default, Sub
// without substitutions); everything else stays unknown, and Ref/GetAtt to
// a resource carry the resource's logical ID for identity.
type cfnTemplate struct {
	path   string
	params map[string]*yaml.Node
	res    map[string]bool
}

// cfnResource is one entry of Resources.
type cfnResource struct {
	id    string
	typ   string
	line  int
	props *yaml.Node
}

// loadTemplate reads a CloudFormation template (YAML or JSON) into a
// Module. A file that parses but is not a template yields no module.
//
// The YAML decoder refuses nesting deeper than 10000 levels and keeps
// aliases as nodes, never expanding them (nor does the extraction follow
// them); a template nested deeper than the depth budget is skipped.
func loadTemplate(ctx context.Context, fsys fs.FS, p string) (*Module, []finding.Skipped) {
	skip := func(reason string) []finding.Skipped {
		return []finding.Skipped{{Path: p, Scanner: scannerName, Reason: reason}}
	}
	data, err := readRegular(fsys, p, 0)
	if err != nil {
		return nil, skip(fmt.Sprintf("reading CloudFormation template: %v", err))
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, skip(fmt.Sprintf("parsing CloudFormation template: %s", oneLine(err.Error())))
	}
	if depth := limits.From(ctx).Depth; nodeDeeper(&doc, depth) {
		return nil, skip(fmt.Sprintf("parsing CloudFormation template: %v", limits.Exceeded("nesting depth", depth)))
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	resources := mapGet(root, "Resources")
	if resources == nil || resources.Kind != yaml.MappingNode {
		return nil, nil
	}
	t := &cfnTemplate{path: p, params: map[string]*yaml.Node{}, res: map[string]bool{}}
	if params := mapGet(root, "Parameters"); params != nil && params.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(params.Content); i += 2 {
			if d := mapGet(params.Content[i+1], "Default"); d != nil {
				t.params[params.Content[i].Value] = d
			}
		}
	}
	var list []cfnResource
	for i := 0; i+1 < len(resources.Content); i += 2 {
		k, v := resources.Content[i], resources.Content[i+1]
		t.res[k.Value] = true
		typ := mapGet(v, "Type")
		if typ == nil || typ.Kind != yaml.ScalarNode {
			continue
		}
		list = append(list, cfnResource{id: k.Value, typ: typ.Value, line: k.Line, props: mapGet(v, "Properties")})
	}
	m := &Module{Dir: p}
	b := &builder{m: m}
	for _, r := range list {
		t.extract(b, r)
	}
	b.link()
	return m, nil
}

// nodeDeeper reports whether a YAML tree nests deeper than limit levels.
func nodeDeeper(n *yaml.Node, limit int) bool {
	if n == nil {
		return false
	}
	if limit < 0 {
		return true
	}
	for _, c := range n.Content {
		if nodeDeeper(c, limit-1) {
			return true
		}
	}
	return false
}

// mapGet returns the value of key in a mapping node, or nil.
func mapGet(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// path follows keys through nested mappings.
func dig(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		n = mapGet(n, k)
	}
	return n
}

// intrinsic returns the function name and argument of an intrinsic
// function node (short "!Ref x" or long {"Ref": "x"} form).
func intrinsic(n *yaml.Node) (string, *yaml.Node, bool) {
	if n == nil {
		return "", nil, false
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		name := strings.TrimPrefix(n.Tag, "!")
		if name != "Ref" && name != "Condition" {
			name = "Fn::" + name
		}
		return name, n, true
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k := n.Content[0].Value
		if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
			return k, n.Content[1], true
		}
	}
	return "", nil, false
}

var subVar = regexp.MustCompile(`\$\{([A-Za-z0-9_:.]+)\}`)

// scalar resolves a node to a string as far as it can be known.
func (t *cfnTemplate) scalar(n *yaml.Node, depth int) (string, bool, []string) {
	if n == nil || depth > 8 {
		return "", false, nil
	}
	fn, arg, ok := intrinsic(n)
	if !ok {
		if n.Kind == yaml.ScalarNode {
			return n.Value, true, nil
		}
		return "", false, nil
	}
	switch fn {
	case "Ref":
		name := arg.Value
		if t.res[name] {
			return "", false, []string{name}
		}
		if d, ok := t.params[name]; ok {
			return t.scalar(d, depth+1)
		}
	case "Fn::GetAtt":
		target := arg.Value
		if arg.Kind == yaml.SequenceNode && len(arg.Content) > 0 {
			target = arg.Content[0].Value
		}
		target, _, _ = strings.Cut(target, ".")
		if t.res[target] {
			return "", false, []string{target}
		}
	case "Fn::Sub":
		if arg.Kind == yaml.ScalarNode {
			var refs []string
			for _, m := range subVar.FindAllStringSubmatch(arg.Value, -1) {
				name, _, _ := strings.Cut(m[1], ".")
				if t.res[name] {
					refs = append(refs, name)
				}
			}
			if !strings.Contains(arg.Value, "${") {
				return arg.Value, true, nil
			}
			return "", false, refs
		}
	}
	return "", false, nil
}

func (t *cfnTemplate) rng(n *yaml.Node, def Range) Range {
	if n == nil {
		return def
	}
	return Range{Path: t.path, StartLine: n.Line, EndLine: n.Line}
}

func (t *cfnTemplate) str(n *yaml.Node, def Range, dflt ...string) Value[string] {
	if n == nil {
		if len(dflt) > 0 {
			return Default(dflt[0], def)
		}
		return Unknown[string](def)
	}
	s, known, refs := t.scalar(n, 0)
	return Value[string]{Val: s, Known: known, Explicit: true, Range: t.rng(n, def), Refs: refs}
}

func (t *cfnTemplate) boolean(n *yaml.Node, def Range, dflt ...bool) Value[bool] {
	if n == nil {
		if len(dflt) > 0 {
			return Default(dflt[0], def)
		}
		return Unknown[bool](def)
	}
	s := t.str(n, def)
	v := Value[bool]{Explicit: true, Range: s.Range, Refs: s.Refs}
	if s.Known {
		switch strings.ToLower(s.Val) {
		case "true":
			v.Val, v.Known = true, true
		case "false":
			v.Known = true
		}
	}
	return v
}

func (t *cfnTemplate) integer(n *yaml.Node, def Range, dflt ...int) Value[int] {
	if n == nil {
		if len(dflt) > 0 {
			return Default(dflt[0], def)
		}
		return Unknown[int](def)
	}
	s := t.str(n, def)
	v := Value[int]{Explicit: true, Range: s.Range, Refs: s.Refs}
	if i, err := strconv.Atoi(strings.TrimSpace(s.Val)); s.Known && err == nil {
		v.Val, v.Known = i, true
	}
	return v
}

func (t *cfnTemplate) list(n *yaml.Node, def Range) List {
	if n == nil {
		return List{Known: true, Range: def}
	}
	l := List{Explicit: true, Range: t.rng(n, def)}
	if _, _, isFn := intrinsic(n); isFn || n.Kind != yaml.SequenceNode {
		if isFn {
			return l
		}
		l.Known = true
		l.Items = []Value[string]{t.str(n, def)}
		return l
	}
	l.Known = true
	for _, it := range n.Content {
		l.Items = append(l.Items, t.str(it, def))
	}
	return l
}

// items returns the elements of a sequence node (nil for anything else).
func items(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	if _, _, isFn := intrinsic(n); isFn {
		return nil
	}
	return n.Content
}

func (t *cfnTemplate) extract(b *builder, r cfnResource) {
	blk := Block{Type: r.typ, Address: r.id, Range: Range{Path: t.path, StartLine: r.line, EndLine: r.line}}
	p := r.props
	d := blk.Range
	switch r.typ {
	case "AWS::S3::Bucket":
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
	case "AWS::EC2::SecurityGroup":
		for _, in := range items(mapGet(p, "SecurityGroupIngress")) {
			rb := blk
			rb.Range = t.rng(in, d)
			b.m.AWS.SecurityGroupRules = append(b.m.AWS.SecurityGroupRules, t.ingress(rb, r.id, in))
		}
	case "AWS::EC2::SecurityGroupIngress":
		g := t.str(mapGet(p, "GroupId"), d)
		group := ""
		if len(g.Refs) > 0 {
			group = g.Refs[0]
		}
		b.m.AWS.SecurityGroupRules = append(b.m.AWS.SecurityGroupRules, t.ingress(blk, group, p))
	case "AWS::EC2::Volume":
		enc := t.boolean(mapGet(p, "Encrypted"), d, false)
		if mapGet(p, "SnapshotId") != nil && !enc.Explicit {
			enc = Unknown[bool](d)
		}
		b.m.AWS.EBSVolumes = append(b.m.AWS.EBSVolumes, &EBSVolume{Block: blk, Encrypted: enc})
	case "AWS::EC2::Instance":
		in := &Instance{Block: blk, HTTPTokens: Unknown[string](d), MetadataEndpoint: Unknown[string](d), PublicIP: Unknown[bool](d)}
		t.devices(in, mapGet(p, "BlockDeviceMappings"), d)
		for _, ni := range items(mapGet(p, "NetworkInterfaces")) {
			if v := t.boolean(mapGet(ni, "AssociatePublicIpAddress"), d); v.Explicit {
				in.PublicIP = v
			}
		}
		b.m.AWS.Instances = append(b.m.AWS.Instances, in)
	case "AWS::EC2::LaunchTemplate":
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
	case "AWS::RDS::DBInstance":
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
	case "AWS::RDS::DBCluster":
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
	case "AWS::EKS::Cluster":
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
	case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy":
		if doc := mapGet(p, "PolicyDocument"); doc != nil {
			b.m.AWS.PolicyDocuments = append(b.m.AWS.PolicyDocuments, t.policy(blk, doc, d))
		}
	case "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group":
		for _, pol := range items(mapGet(p, "Policies")) {
			if doc := mapGet(pol, "PolicyDocument"); doc != nil {
				b.m.AWS.PolicyDocuments = append(b.m.AWS.PolicyDocuments, t.policy(blk, doc, d))
			}
		}
		if r.typ == "AWS::IAM::User" {
			arns := t.list(mapGet(p, "ManagedPolicyArns"), d)
			b.m.AWS.PolicyAttachments = append(b.m.AWS.PolicyAttachments, &PolicyAttachment{
				Block: blk, PolicyARN: firstARN(arns, d),
				Users: List{Items: []Value[string]{{Val: r.id, Known: true}}, Known: true, Range: d},
			})
		}
	case "AWS::CloudTrail::Trail":
		b.trails++
		b.m.AWS.CloudTrails = append(b.m.AWS.CloudTrails, &CloudTrail{
			Block:         blk,
			MultiRegion:   t.boolean(mapGet(p, "IsMultiRegionTrail"), d, false),
			LogValidation: t.boolean(mapGet(p, "EnableLogFileValidation"), d, false),
		})
	case "AWS::EC2::VPC":
		b.m.AWS.VPCs = append(b.m.AWS.VPCs, &VPC{Block: blk, FlowLogs: Default(false, d)})
	case "AWS::EC2::FlowLog":
		if t.str(mapGet(p, "ResourceType"), d).Is("VPC") {
			b.flowLogs = append(b.flowLogs, t.str(mapGet(p, "ResourceId"), d))
		}
	case "AWS::KMS::Key":
		b.m.AWS.KMSKeys = append(b.m.AWS.KMSKeys, &KMSKey{
			Block:    blk,
			Rotation: t.boolean(mapGet(p, "EnableKeyRotation"), d, false),
			KeySpec:  t.str(mapGet(p, "KeySpec"), d, "SYMMETRIC_DEFAULT"),
			KeyUsage: t.str(mapGet(p, "KeyUsage"), d, "ENCRYPT_DECRYPT"),
		})
	case "AWS::ECR::Repository":
		sc := mapGet(p, "ImageScanningConfiguration")
		b.m.AWS.ECRRepositories = append(b.m.AWS.ECRRepositories, &ECRRepository{
			Block:         blk,
			Name:          t.str(mapGet(p, "RepositoryName"), d),
			ScanOnPush:    t.boolean(mapGet(sc, "ScanOnPush"), t.rng(sc, d), false),
			TagMutability: t.str(mapGet(p, "ImageTagMutability"), d, "MUTABLE"),
		})
	case "AWS::ECR::RegistryScanningConfiguration":
		b.registryScanning = true
	case "AWS::EFS::FileSystem":
		b.m.AWS.EFSFileSystems = append(b.m.AWS.EFSFileSystems, &EFSFileSystem{Block: blk, Encrypted: t.boolean(mapGet(p, "Encrypted"), d, false)})
	}
}

// firstARN returns the AdministratorAccess ARN if the list holds it, else
// the first item (or unknown).
func firstARN(l List, d Range) Value[string] {
	for _, it := range l.Items {
		if it.Known && strings.HasSuffix(it.Val, ":"+adminPolicy) {
			return it
		}
	}
	return Unknown[string](d)
}

func (t *cfnTemplate) ingress(blk Block, group string, n *yaml.Node) *SecurityGroupRule {
	d := blk.Range
	src := List{Known: true, Range: d}
	for _, k := range []string{"CidrIp", "CidrIpv6"} {
		if c := mapGet(n, k); c != nil {
			v := t.str(c, d)
			src.Items = append(src.Items, v)
			src.Explicit, src.Range = true, v.Range
		}
	}
	return &SecurityGroupRule{
		Block:    blk,
		Group:    group,
		Protocol: t.str(mapGet(n, "IpProtocol"), d),
		FromPort: t.integer(mapGet(n, "FromPort"), d),
		ToPort:   t.integer(mapGet(n, "ToPort"), d),
		Sources:  src,
	}
}

func (t *cfnTemplate) devices(in *Instance, n *yaml.Node, d Range) {
	for _, bd := range items(n) {
		ebs := mapGet(bd, "Ebs")
		if ebs == nil {
			continue
		}
		enc := t.boolean(mapGet(ebs, "Encrypted"), t.rng(ebs, d), false)
		if mapGet(ebs, "SnapshotId") != nil && !enc.Explicit {
			enc = Unknown[bool](t.rng(ebs, d))
		}
		in.BlockDevices = append(in.BlockDevices, BlockDevice{Name: t.str(mapGet(bd, "DeviceName"), d).Val, Range: t.rng(ebs, d), Encrypted: enc})
	}
}

func (t *cfnTemplate) policy(blk Block, doc *yaml.Node, d Range) *PolicyDocument {
	p := &PolicyDocument{Block: blk, User: Unknown[string](d)}
	st := mapGet(doc, "Statement")
	sts := items(st)
	if st != nil && st.Kind == yaml.MappingNode {
		sts = []*yaml.Node{st}
	}
	for _, s := range sts {
		r := t.rng(s, d)
		stmt := Statement{Range: r, Effect: t.str(mapGet(s, "Effect"), r)}
		stmt.Actions = t.list(mapGet(s, "Action"), r)
		stmt.Resources = t.list(mapGet(s, "Resource"), r)
		p.Statements = append(p.Statements, stmt)
	}
	return p
}
