package iac

import (
	"strings"
)

// builder turns evaluated instances into a Module: each extractor reads one
// resource type into its model, and link attaches the separate resources
// (S3 bucket settings, flow logs, policy attachments) to what they refer to.
type builder struct {
	m *Module

	s3Enc, s3Ver, s3ACL, s3PAB, s3Lock []s3Setting
	s3Log                              []s3Setting
	logTargets                         []Value[string]
	accountPAB                         *PublicAccessBlock
	ebsDefault                         *Block
	flowLogs                           []Value[string]
	users                              []iamUser
	trails                             int
	baseline                           int
	registryScanning                   bool
}

// s3Setting is a separate aws_s3_bucket_* resource: which bucket it names
// and what it sets there.
type s3Setting struct {
	blk     Block
	bucket  Value[string]
	enabled Value[bool]
	acl     Value[string]
	pab     *PublicAccessBlock
}

type iamUser struct {
	blk  Block
	name Value[string]
}

type extractor func(b *builder, blk Block, n node)

// extractors maps a resource type ("data." prefixed for data sources) to
// its extractor.
func extractors() map[string]extractor {
	return map[string]extractor{
		"aws_s3_bucket": (*builder).s3Bucket,
		"aws_s3_bucket_server_side_encryption_configuration": (*builder).s3Encryption,
		"aws_s3_bucket_versioning":                           (*builder).s3Versioning,
		"aws_s3_bucket_acl":                                  (*builder).s3BucketACL,
		"aws_s3_bucket_public_access_block":                  (*builder).s3PublicAccessBlock,
		"aws_s3_account_public_access_block":                 (*builder).s3AccountPublicAccessBlock,
		"aws_s3_bucket_object_lock_configuration":            (*builder).s3ObjectLock,
		"aws_s3_bucket_logging":                              (*builder).s3Logging,
		"aws_security_group":                                 (*builder).securityGroup,
		"aws_security_group_rule":                            (*builder).securityGroupRule,
		"aws_vpc_security_group_ingress_rule":                (*builder).vpcIngressRule,
		"aws_ebs_volume":                                     (*builder).ebsVolume,
		"aws_ebs_encryption_by_default":                      (*builder).ebsEncryptionByDefault,
		"aws_instance":                                       (*builder).awsInstance,
		"aws_launch_template":                                (*builder).launchTemplate,
		"aws_launch_configuration":                           (*builder).launchConfiguration,
		"aws_db_instance":                                    (*builder).dbInstance,
		"aws_rds_cluster":                                    (*builder).rdsCluster,
		"aws_eks_cluster":                                    (*builder).eksCluster,
		"aws_iam_policy":                                     (*builder).iamPolicy,
		"aws_iam_role_policy":                                (*builder).iamPolicy,
		"aws_iam_group_policy":                               (*builder).iamPolicy,
		"aws_iam_user_policy":                                (*builder).iamPolicy,
		"aws_iam_role":                                       (*builder).iamRole,
		"data.aws_iam_policy_document":                       (*builder).iamPolicyDocument,
		"aws_iam_user_policy_attachment":                     (*builder).iamUserPolicyAttachment,
		"aws_iam_policy_attachment":                          (*builder).iamPolicyAttachment,
		"aws_iam_user":                                       (*builder).iamUser,
		"aws_iam_access_key":                                 (*builder).iamAccessKey,
		"aws_cloudtrail":                                     (*builder).cloudTrail,
		"aws_vpc":                                            (*builder).vpc,
		"aws_flow_log":                                       (*builder).flowLog,
		"aws_kms_key":                                        (*builder).kmsKey,
		"aws_ebs_default_kms_key":                            (*builder).ebsDefaultKey,
		"aws_efs_file_system":                                (*builder).efs,
		"aws_ecr_repository":                                 (*builder).ecrRepository,
		"aws_ecr_registry_scanning_configuration":            (*builder).ecrRegistryScanning,

		"google_storage_bucket":                        (*builder).gcsBucket,
		"google_storage_bucket_iam_member":             (*builder).gcsIAMMember,
		"google_storage_bucket_iam_binding":            (*builder).gcsIAMBinding,
		"google_storage_bucket_acl":                    (*builder).gcsACL,
		"google_storage_bucket_access_control":         (*builder).gcsAccessControl,
		"google_storage_default_object_access_control": (*builder).gcsAccessControl,
		"google_compute_firewall":                      (*builder).gcpFirewall,
		"google_container_cluster":                     (*builder).gkeCluster,
		"google_container_node_pool":                   (*builder).gkeNodePool,

		"azurerm_storage_account":        (*builder).azStorageAccount,
		"azurerm_storage_container":      (*builder).azStorageContainer,
		"azurerm_network_security_group": (*builder).azNSG,
		"azurerm_network_security_rule":  (*builder).azNSGRule,
		"azurerm_kubernetes_cluster":     (*builder).azAKS,
		"azurerm_managed_disk":           (*builder).azManagedDisk,
	}
}

// accountBaseline are the resource types that set up an AWS account's
// security baseline: a configuration declaring one is where a trail is
// expected too.
var accountBaseline = map[string]bool{
	"aws_iam_account_password_policy": true, "aws_config_configuration_recorder": true,
	"aws_guardduty_detector": true, "aws_securityhub_account": true, "aws_s3_account_public_access_block": true,
	"aws_ebs_encryption_by_default": true, "aws_accessanalyzer_analyzer": true, "aws_macie2_account": true,
	"aws_organizations_organization": true, "aws_organizations_account": true, "aws_iam_account_alias": true,
}

// build extracts the models of every instance and links them.
func build(m *Module, insts []instance) {
	b := &builder{m: m}
	ex := extractors()
	for _, in := range insts {
		key := in.typ
		if isData(in.address) {
			key = "data." + in.typ
		}
		blk := Block{Type: in.typ, Address: in.address, Range: in.node.rng()}
		if accountBaseline[key] {
			b.baseline++
		}
		if f := ex[key]; f != nil {
			f(b, blk, in.node)
		}
		if key != in.typ {
			blk.Type = key
		}
		m.Resources = append(m.Resources, Resource{Block: blk, Format: FormatTerraform, node: in.node})
	}
	b.link()
}

// isData reports whether an instance address is a data source's.
func isData(addr string) bool {
	for {
		if strings.HasPrefix(addr, "data.") {
			return true
		}
		if !strings.HasPrefix(addr, "module.") {
			return false
		}
		// skip "module.NAME[KEY]." — keys may hold dots inside quotes
		i := strings.Index(addr, ".")
		rest := addr[i+1:]
		j := nextSegment(rest)
		if j < 0 {
			return false
		}
		addr = rest[j:]
	}
}

// nextSegment returns the index just past the first top-level "." of s,
// ignoring dots inside ["..."] keys, or -1.
func nextSegment(s string) int {
	inQuote := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && inQuote:
			i++
		case c == '"':
			inQuote = !inQuote
		case c == '.' && !inQuote:
			return i + 1
		}
	}
	return -1
}

// baseAddress strips a trailing instance key: `a.b["x"]` → `a.b`.
func baseAddress(addr string) string {
	if !strings.HasSuffix(addr, "]") {
		return addr
	}
	inQuote := false
	for i := len(addr) - 1; i >= 0; i-- {
		switch addr[i] {
		case '"':
			inQuote = !inQuote
		case '[':
			if !inQuote {
				return addr[:i]
			}
		}
	}
	return addr
}

// refersTo reports whether refs name the resource instance at addr (or the
// whole resource, when its instances could not be known).
func refersTo(refs []string, addr string) bool {
	base := baseAddress(addr)
	for _, r := range refs {
		if r == addr || r == base {
			return true
		}
	}
	return false
}

// match says how a reference value relates to one resource.
type match int

const (
	noMatch match = iota
	matches
	// ambiguous: the value is unknown and refers to nothing known, so it
	// may name any resource of the kind.
	ambiguous
)

// matchTarget decides whether ref (e.g. a `bucket` argument) names the
// resource at addr whose name is name.
func matchTarget(ref Value[string], addr string, name Value[string]) match {
	if len(ref.Refs) > 0 {
		if refersTo(ref.Refs, addr) {
			return matches
		}
		return noMatch
	}
	if !ref.Known {
		return ambiguous
	}
	if name.Known && name.Val == ref.Val {
		return matches
	}
	return noMatch
}

func (b *builder) link() {
	b.linkS3()
	for _, v := range b.m.AWS.VPCs {
		for _, fl := range b.flowLogs {
			switch matchTarget(fl, v.Address, Value[string]{}) {
			case matches:
				v.FlowLogs = Value[bool]{Val: true, Known: true, Explicit: true, Range: fl.Range}
			case ambiguous:
				if !v.FlowLogs.Val {
					v.FlowLogs = Unknown[bool](v.Range)
				}
			}
		}
	}
	if b.ebsDefault != nil {
		enc := Value[bool]{Val: true, Known: true, Range: b.ebsDefault.Range}
		for _, v := range b.m.AWS.EBSVolumes {
			v.Encrypted = enc
		}
		for _, in := range b.m.AWS.Instances {
			for i := range in.BlockDevices {
				in.BlockDevices[i].Encrypted = enc
			}
		}
	}
	b.linkIAM()
	if b.registryScanning {
		for _, r := range b.m.AWS.ECRRepositories {
			if !r.ScanOnPush.Val {
				r.ScanOnPush = Unknown[bool](r.Range)
			}
		}
	}
	for _, p := range b.m.AWS.Providers {
		p.Trails = b.trails
		p.Baseline = b.baseline
	}
}
