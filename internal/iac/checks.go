package iac

import (
	"fmt"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// catalogue holds every check of the package, grouped by the model it
// inspects.
type catalogue struct {
	providers   []check.Check[*AWSProvider]
	s3          []check.Check[*S3Bucket]
	sgRules     []check.Check[*SecurityGroupRule]
	ebs         []check.Check[*EBSVolume]
	instances   []check.Check[*Instance]
	dbs         []check.Check[*DBInstance]
	eks         []check.Check[*EKSCluster]
	policies    []check.Check[*PolicyDocument]
	attachments []check.Check[*PolicyAttachment]
	accessKeys  []check.Check[*AccessKey]
	trails      []check.Check[*CloudTrail]
	vpcs        []check.Check[*VPC]
	kms         []check.Check[*KMSKey]
	efs         []check.Check[*EFSFileSystem]
	ecr         []check.Check[*ECRRepository]

	gcsBuckets []check.Check[*StorageBucket]
	gcsIAM     []check.Check[*StorageBucketIAM]
	firewalls  []check.Check[*ComputeFirewall]
	gke        []check.Check[*ContainerCluster]
	gkeNodes   []check.Check[*NodeConfig]

	azAccounts   []check.Check[*StorageAccount]
	azContainers []check.Check[*StorageContainer]
	azRules      []check.Check[*NetworkSecurityRule]
	aks          []check.Check[*KubernetesCluster]
	azDisks      []check.Check[*ManagedDisk]
}

func newCatalogue() *catalogue {
	return &catalogue{
		providers:   []check.Check[*AWSProvider]{checkCloudTrailMissing()},
		s3:          []check.Check[*S3Bucket]{checkS3Encryption(), checkS3Versioning(), checkS3PublicACL(), checkS3PublicAccessBlock(), checkS3BackupObjectLock(), checkS3Logging(), checkCloudTrailBucketPublic()},
		sgRules:     []check.Check[*SecurityGroupRule]{checkSGControlPlane(), checkSGAdmin(), checkSGDatabase()},
		ebs:         []check.Check[*EBSVolume]{checkEBSEncryption()},
		instances:   []check.Check[*Instance]{checkBlockDeviceEncryption(), checkIMDSv2(), checkPublicIP()},
		dbs:         []check.Check[*DBInstance]{checkRDSEncryption(), checkRDSPublic(), checkRDSDeletionProtection(), checkRDSBackups()},
		eks:         []check.Check[*EKSCluster]{checkEKSPublicEndpoint(), checkEKSSecretsEncryption(), checkEKSLogging()},
		policies:    append([]check.Check[*PolicyDocument]{checkIAMAllActions(), checkIAMWriteAllResources()}, privescChecks()...),
		attachments: []check.Check[*PolicyAttachment]{checkIAMUserAdmin()},
		accessKeys:  []check.Check[*AccessKey]{checkIAMAdminAccessKey()},
		trails:      []check.Check[*CloudTrail]{checkCloudTrailMultiRegion(), checkCloudTrailValidation()},
		vpcs:        []check.Check[*VPC]{checkVPCFlowLogs()},
		kms:         []check.Check[*KMSKey]{checkKMSRotation()},
		efs:         []check.Check[*EFSFileSystem]{checkEFSEncryption()},
		ecr:         []check.Check[*ECRRepository]{checkECRScanOnPush(), checkECRTagMutability()},

		gcsBuckets: []check.Check[*StorageBucket]{checkGCSUniformAccess()},
		gcsIAM:     []check.Check[*StorageBucketIAM]{checkGCSPublic()},
		firewalls:  []check.Check[*ComputeFirewall]{checkGCPFirewall()},
		gke:        []check.Check[*ContainerCluster]{checkGKEDatabaseEncryption(), checkGKELegacyABAC(), checkGKEPrivateNodes(), checkGKEMasterAuthorizedNetworks()},
		gkeNodes:   []check.Check[*NodeConfig]{checkGKENodeImage()},

		azAccounts:   []check.Check[*StorageAccount]{checkAzureHTTPS(), checkAzureTLS(), checkAzurePublicBlobs()},
		azContainers: []check.Check[*StorageContainer]{checkAzurePublicContainer()},
		azRules:      []check.Check[*NetworkSecurityRule]{checkAzureNSG()},
		aks:          []check.Check[*KubernetesCluster]{checkAKSRBAC(), checkAKSLocalAccounts(), checkAKSAuthorizedIPs()},
		azDisks:      []check.Check[*ManagedDisk]{checkAzureDiskEncryption()},
	}
}

func (c *catalogue) metas() []check.Meta {
	var out []check.Meta
	for _, ms := range [][]check.Meta{
		check.Metas(c.providers), check.Metas(c.s3), check.Metas(c.sgRules), check.Metas(c.ebs),
		check.Metas(c.instances), check.Metas(c.dbs), check.Metas(c.eks), check.Metas(c.policies),
		check.Metas(c.attachments), check.Metas(c.accessKeys), check.Metas(c.trails), check.Metas(c.vpcs),
		check.Metas(c.kms), check.Metas(c.efs), check.Metas(c.ecr),
		check.Metas(c.gcsBuckets), check.Metas(c.gcsIAM), check.Metas(c.firewalls), check.Metas(c.gke), check.Metas(c.gkeNodes),
		check.Metas(c.azAccounts), check.Metas(c.azContainers), check.Metas(c.azRules), check.Metas(c.aks), check.Metas(c.azDisks),
	} {
		out = append(out, ms...)
	}
	return out
}

// run evaluates every check over a module's models.
func (c *catalogue) run(m *Module) []finding.Finding {
	var out []finding.Finding
	runChecks(&out, m.Dir, c.providers, m.AWS.Providers)
	runChecks(&out, m.Dir, c.s3, m.AWS.S3Buckets)
	runChecks(&out, m.Dir, c.sgRules, m.AWS.SecurityGroupRules)
	runChecks(&out, m.Dir, c.ebs, m.AWS.EBSVolumes)
	runChecks(&out, m.Dir, c.instances, m.AWS.Instances)
	runChecks(&out, m.Dir, c.dbs, m.AWS.DBInstances)
	runChecks(&out, m.Dir, c.eks, m.AWS.EKSClusters)
	runChecks(&out, m.Dir, c.policies, m.AWS.PolicyDocuments)
	runChecks(&out, m.Dir, c.attachments, m.AWS.PolicyAttachments)
	runChecks(&out, m.Dir, c.accessKeys, m.AWS.AccessKeys)
	runChecks(&out, m.Dir, c.trails, m.AWS.CloudTrails)
	runChecks(&out, m.Dir, c.vpcs, m.AWS.VPCs)
	runChecks(&out, m.Dir, c.kms, m.AWS.KMSKeys)
	runChecks(&out, m.Dir, c.efs, m.AWS.EFSFileSystems)
	runChecks(&out, m.Dir, c.ecr, m.AWS.ECRRepositories)
	runChecks(&out, m.Dir, c.gcsBuckets, m.GCP.StorageBuckets)
	runChecks(&out, m.Dir, c.gcsIAM, m.GCP.StorageBucketIAM)
	runChecks(&out, m.Dir, c.firewalls, m.GCP.Firewalls)
	runChecks(&out, m.Dir, c.gke, m.GCP.ContainerClusters)
	runChecks(&out, m.Dir, c.gkeNodes, m.GCP.NodeConfigs)
	runChecks(&out, m.Dir, c.azAccounts, m.Azure.StorageAccounts)
	runChecks(&out, m.Dir, c.azContainers, m.Azure.StorageContainers)
	runChecks(&out, m.Dir, c.azRules, m.Azure.SecurityRules)
	runChecks(&out, m.Dir, c.aks, m.Azure.KubernetesClusters)
	runChecks(&out, m.Dir, c.azDisks, m.Azure.ManagedDisks)
	return out
}

// subject is a model a check inspects: every one has a block.
type subject interface{ header() *Block }

func runChecks[T subject](out *[]finding.Finding, root string, cs []check.Check[T], items []T) {
	for _, it := range items {
		for _, c := range cs {
			for _, v := range c.Eval(it) {
				emit(out, root, it.header(), c.Meta, v)
			}
		}
	}
}

// emit adds the finding of one violation on a block. A module's resource
// found through a caller elsewhere says which caller, so that two callers
// of one module give two findings.
func emit(out *[]finding.Finding, root string, b *Block, m check.Meta, v check.Violation) {
	res := finding.Resource{Kind: b.Type, Name: b.Address}
	if b.Range.Object == "" && !within(b.Range.Path, root) {
		if v.Message == "" {
			v.Message = m.Title
		}
		v.Message += fmt.Sprintf(" (module called from %s)", root)
		v.Discriminator += "\x00" + root
	}
	loc := finding.Location{Path: b.Range.Path, StartLine: b.Range.StartLine, Object: b.Range.Object}
	if v.Line > 0 {
		loc.StartLine = v.Line
	}
	*out = append(*out, m.Finding(res, loc, v))
}

// at builds a violation located at r when r lies in the subject's own
// file (a separate resource may live elsewhere; then the block's line is
// used and the message names the other resource).
func at(b *Block, r Range, field, format string, args ...any) check.Violation {
	v := check.Violation{Message: fmt.Sprintf(format, args...), Field: field}
	if r.Path == b.Range.Path && r.StartLine > 0 {
		v.Line = r.StartLine
	}
	return v
}

// cloud returns check metadata for the Cloud layer.
func cloud(id, title string, sev finding.Severity, desc, fix string, refs ...finding.Reference) check.Meta {
	return check.New(
		id,
		title,
		sev,
		finding.LayerCloud,
		desc,
		fix,
		refs...,
	)
}

func ref(source, url string) finding.Reference { return finding.Reference{Source: source, URL: url} }

// cwe returns a reference to a CWE entry.
func cwe(n int) finding.Reference {
	return finding.Reference{Source: fmt.Sprintf("CWE-%d", n), URL: fmt.Sprintf("https://cwe.mitre.org/data/definitions/%d.html", n)}
}

// within reports whether file p lies in directory dir (or below it), or
// is the scanned file itself (plans and templates).
func within(p, dir string) bool {
	return dir == "." || dir == "" || p == dir || strings.HasPrefix(p, dir+"/")
}

// avd returns a reference to the equivalent Trivy check, e.g.
// "AVD-AWS-0086".
func avd(id string) finding.Reference {
	return finding.Reference{Source: id, URL: "https://avd.aquasec.com/misconfig/" + strings.ToLower(id)}
}

// tfsec returns a reference to the equivalent tfsec check, whose ID is
// provider-service-code, e.g. "aws-s3-block-public-acls".
func tfsec(provider, service, code string) finding.Reference {
	return finding.Reference{
		Source: "tfsec:" + provider + "-" + service + "-" + code,
		URL:    "https://aquasecurity.github.io/tfsec/latest/checks/" + provider + "/" + service + "/" + code + "/",
	}
}
