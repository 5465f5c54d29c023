package iac

// Block identifies one resource instance (or one data source) in a model.
type Block struct {
	// Type is the resource type, e.g. "aws_s3_bucket".
	Type string
	// Address is the absolute instance address, e.g.
	// `module.logs.aws_s3_bucket.this[0]`.
	Address string
	// Range is the block's header (or, for a nested rule, the nested block).
	Range Range
}

func (b *Block) header() *Block { return b }

// ModuleCall is a `module` block.
type ModuleCall struct {
	Block
	// Source is the module's source as written.
	Source string
	// Local is true for "./" and "../" sources. Remote sources are never
	// fetched; they are loaded only when `terraform init` installed them
	// (.terraform/modules/modules.json).
	Local bool
	// Dir is the directory the module was loaded from, empty when it was
	// not loaded.
	Dir string
}

// Module is a Terraform configuration (or a plan, or a CloudFormation
// template) normalised into provider models. Resources of local child
// modules are flattened in, with their own addresses and ranges.
type Module struct {
	// Dir is the root module's directory (or the plan/template file).
	Dir string
	// Calls are the module calls, local and remote, at every depth.
	Calls []ModuleCall

	AWS   AWS
	GCP   GCP
	Azure Azure

	// Resources are every resource and data source instance as written,
	// in source order, for the rules (rule.go) to read through views.
	Resources []Resource
}

// Resource is one resource instance as its source wrote it.
type Resource struct {
	Block
	// Format is the source's syntax: FormatTerraform (HCL and plan JSON),
	// FormatCloudFormation or FormatARM.
	Format string
	node   node
}

// The formats a Resource comes from.
const (
	FormatTerraform      = "terraform"
	FormatCloudFormation = "cloudformation"
	FormatARM            = "arm"
)

// AWS holds the Amazon Web Services resources of a module.
type AWS struct {
	Providers          []*AWSProvider
	S3Buckets          []*S3Bucket
	SecurityGroupRules []*SecurityGroupRule
	EBSVolumes         []*EBSVolume
	Instances          []*Instance
	DBInstances        []*DBInstance
	EKSClusters        []*EKSCluster
	PolicyDocuments    []*PolicyDocument
	PolicyAttachments  []*PolicyAttachment
	AccessKeys         []*AccessKey
	CloudTrails        []*CloudTrail
	VPCs               []*VPC
	KMSKeys            []*KMSKey
	EFSFileSystems     []*EFSFileSystem
	ECRRepositories    []*ECRRepository
	EBSDefaults        []*EBSEncryptionDefault
	EBSDefaultKeys     []*EBSDefaultKMSKey
}

// EBSEncryptionDefault is an aws_ebs_encryption_by_default: the region's
// new EBS volumes are encrypted whatever their creator asks.
type EBSEncryptionDefault struct {
	Block
	Enabled Value[bool]
}

// EBSDefaultKMSKey is an aws_ebs_default_kms_key: the key default
// encryption uses instead of the AWS-managed aws/ebs key.
type EBSDefaultKMSKey struct {
	Block
	KeyARN Value[string]
}

// AWSProvider is a `provider "aws"` block of the root module; Trails counts
// the CloudTrail trails declared anywhere in the configuration, Baseline
// the account-level security settings (password policy, Config, GuardDuty,
// Security Hub, account public access block, …).
type AWSProvider struct {
	Block
	Trails   int
	Baseline int
}

// S3Bucket is an aws_s3_bucket with the settings that the separate
// aws_s3_bucket_* resources attach to it.
type S3Bucket struct {
	Block
	Name Value[string]
	Tags map[string]string
	// ACL is the canned ACL, inline or from aws_s3_bucket_acl.
	ACL Value[string]
	// Encryption is true when server-side encryption is configured.
	Encryption Value[bool]
	// Versioning is true when versioning is enabled.
	Versioning Value[bool]
	// ObjectLock is true when object lock is enabled.
	ObjectLock Value[bool]
	// PublicAccessBlock is the bucket's (or the account's) public access
	// block, nil when there is none.
	PublicAccessBlock *PublicAccessBlock
	// PublicAccessBlockUnknown is true when a public access block exists
	// whose bucket cannot be known (it may be this one).
	PublicAccessBlockUnknown bool
	// Logging is true when server access logging is configured: inline,
	// through aws_s3_bucket_logging, or CloudFormation LoggingConfiguration.
	Logging Value[bool]
	// LogTarget is true when some bucket's access logs are (or may be)
	// delivered to this one.
	LogTarget bool
	// Trail is the address of a CloudTrail trail that delivers its logs to
	// this bucket, "" when none does.
	Trail string
}

// PublicAccessBlock is an aws_s3_bucket_public_access_block or
// aws_s3_account_public_access_block.
type PublicAccessBlock struct {
	Block
	BlockPublicACLs       Value[bool]
	BlockPublicPolicy     Value[bool]
	IgnorePublicACLs      Value[bool]
	RestrictPublicBuckets Value[bool]
}

// SecurityGroupRule is one ingress rule: an inline ingress block of
// aws_security_group, an aws_security_group_rule of type ingress, or an
// aws_vpc_security_group_ingress_rule.
type SecurityGroupRule struct {
	Block
	// Group is the security group's address, when known.
	Group    string
	Protocol Value[string]
	FromPort Value[int]
	ToPort   Value[int]
	// Sources are the IPv4 and IPv6 CIDR blocks the rule admits.
	Sources List
}

// EBSVolume is an aws_ebs_volume.
type EBSVolume struct {
	Block
	Encrypted Value[bool]
}

// Instance is a compute definition: aws_instance, aws_launch_template or
// aws_launch_configuration.
type Instance struct {
	Block
	// HTTPTokens is metadata_options.http_tokens ("optional"/"required").
	HTTPTokens Value[string]
	// MetadataEndpoint is metadata_options.http_endpoint ("enabled"/"disabled").
	MetadataEndpoint Value[string]
	// PublicIP is associate_public_ip_address.
	PublicIP Value[bool]
	// BlockDevices are the root and EBS block devices.
	BlockDevices []BlockDevice
}

// BlockDevice is a disk of an Instance.
type BlockDevice struct {
	// Name is the device name or "root".
	Name      string
	Range     Range
	Encrypted Value[bool]
}

// DBInstance is an aws_db_instance or aws_rds_cluster.
type DBInstance struct {
	Block
	StorageEncrypted   Value[bool]
	PubliclyAccessible Value[bool]
	DeletionProtection Value[bool]
	BackupRetention    Value[int]
}

// EKSCluster is an aws_eks_cluster.
type EKSCluster struct {
	Block
	PublicAccess      Value[bool]
	PublicAccessCIDRs List
	SecretsEncryption Value[bool]
	LogTypes          List
}

// PolicyDocument is an IAM policy document: the policy of aws_iam_policy,
// aws_iam_role_policy, aws_iam_user_policy, aws_iam_group_policy or an
// inline_policy of aws_iam_role (written with jsonencode or as JSON text),
// a data aws_iam_policy_document, or a CloudFormation policy.
type PolicyDocument struct {
	Block
	// User is set for inline user policies (aws_iam_user_policy).
	User       Value[string]
	Statements []Statement
}

// Statement is one statement of a PolicyDocument.
type Statement struct {
	Range     Range
	Effect    Value[string]
	Actions   List
	Resources List
	// NotActions (NotAction) applies the statement to every action but
	// these; NotResources likewise. Explicit only when written.
	NotActions   List
	NotResources List
	// Principals are the statement's principals as "TYPE:ID" ("AWS:*",
	// "Service:ec2.amazonaws.com"; "*" for Principal "*"); empty in the
	// identity policies, set in resource and trust policies.
	Principals List
	// Conditional is true when the statement has a Condition, unknown when
	// that cannot be known.
	Conditional Value[bool]
}

// PolicyAttachment attaches a managed policy to IAM users
// (aws_iam_user_policy_attachment, aws_iam_policy_attachment).
type PolicyAttachment struct {
	Block
	PolicyARN Value[string]
	Users     List
}

// AccessKey is an aws_iam_access_key.
type AccessKey struct {
	Block
	User Value[string]
	// AdminVia names what makes the key's user an administrator, empty
	// when it is not known to be one.
	AdminVia string
}

// CloudTrail is an aws_cloudtrail.
type CloudTrail struct {
	Block
	MultiRegion   Value[bool]
	LogValidation Value[bool]
	// Bucket is the S3 bucket the trail delivers its logs to.
	Bucket Value[string]
}

// VPC is an aws_vpc; FlowLogs is true when an aws_flow_log refers to it.
type VPC struct {
	Block
	FlowLogs Value[bool]
}

// KMSKey is an aws_kms_key.
type KMSKey struct {
	Block
	Rotation Value[bool]
	KeySpec  Value[string]
	KeyUsage Value[string]
}

// EFSFileSystem is an aws_efs_file_system.
type EFSFileSystem struct {
	Block
	Encrypted Value[bool]
}

// ECRRepository is an aws_ecr_repository.
type ECRRepository struct {
	Block
	Name Value[string]
	// ScanOnPush is image_scanning_configuration.scan_on_push; unknown when
	// a registry-wide scanning configuration may cover the repository.
	ScanOnPush Value[bool]
	// TagMutability is image_tag_mutability ("MUTABLE", "IMMUTABLE", …).
	TagMutability Value[string]
}

// GCP holds the Google Cloud resources of a module.
type GCP struct {
	StorageBuckets    []*StorageBucket
	StorageBucketIAM  []*StorageBucketIAM
	Firewalls         []*ComputeFirewall
	ContainerClusters []*ContainerCluster
	NodeConfigs       []*NodeConfig
}

// StorageBucket is a google_storage_bucket.
type StorageBucket struct {
	Block
	Name          Value[string]
	UniformAccess Value[bool]
}

// StorageBucketIAM grants a role on a bucket to members:
// google_storage_bucket_iam_member/_binding, google_storage_bucket_acl,
// google_storage_bucket_access_control.
type StorageBucketIAM struct {
	Block
	Bucket  Value[string]
	Members List
}

// ComputeFirewall is a google_compute_firewall.
type ComputeFirewall struct {
	Block
	Direction    Value[string]
	Disabled     Value[bool]
	SourceRanges List
	Allow        []FirewallAllow
}

// FirewallAllow is an allow block of a ComputeFirewall.
type FirewallAllow struct {
	Range    Range
	Protocol Value[string]
	Ports    List
}

// ContainerCluster is a google_container_cluster.
type ContainerCluster struct {
	Block
	// DatabaseEncryption is true when database_encryption.state is ENCRYPTED.
	DatabaseEncryption Value[bool]
	LegacyABAC         Value[bool]
	PrivateNodes       Value[bool]
	// MasterAuthorizedNetworks is true when the block is present.
	MasterAuthorizedNetworks Value[bool]
}

// NodeConfig is the node_config of a GKE cluster or node pool.
type NodeConfig struct {
	Block
	ImageType Value[string]
}

// Azure holds the Microsoft Azure resources of a module.
type Azure struct {
	StorageAccounts    []*StorageAccount
	StorageContainers  []*StorageContainer
	SecurityRules      []*NetworkSecurityRule
	KubernetesClusters []*KubernetesCluster
	ManagedDisks       []*ManagedDisk
}

// StorageAccount is an azurerm_storage_account.
type StorageAccount struct {
	Block
	HTTPSOnly   Value[bool]
	MinTLS      Value[string]
	PublicBlobs Value[bool]
}

// StorageContainer is an azurerm_storage_container.
type StorageContainer struct {
	Block
	AccessType Value[string]
}

// NetworkSecurityRule is an azurerm_network_security_rule or an inline
// security_rule of azurerm_network_security_group.
type NetworkSecurityRule struct {
	Block
	Name      Value[string]
	Direction Value[string]
	Access    Value[string]
	Protocol  Value[string]
	Sources   List
	Ports     List
}

// KubernetesCluster is an azurerm_kubernetes_cluster.
type KubernetesCluster struct {
	Block
	RBAC                 Value[bool]
	LocalAccountDisabled Value[bool]
	AuthorizedIPRanges   List
	Private              Value[bool]
}

// ManagedDisk is an azurerm_managed_disk.
type ManagedDisk struct {
	Block
	EncryptionEnabled Value[bool]
}
