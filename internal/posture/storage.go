package posture

// Storage correlation: a workload's data on the cloud disks of a
// StorageClass, and whether the Terraform of the AWS account in the scan
// encrypts those disks by default.
//
// Nodes: workload --claims--> pvc --class--> storageclass (Kubernetes), and
// the "account" node of each Terraform module that manages AWS (iac), whose
// ebsEncryptionByDefault attribute is "true", "false", "unknown" or
// "unmanaged".

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/finding"
)

// awsAccounts returns the AWS account nodes of the scan's Terraform, by ID.
func awsAccounts(g *Graph) []*Node {
	var out []*Node
	for _, n := range g.NodesOf("account") {
		if n.Attrs["provider"] == "aws" {
			out = append(out, n)
		}
	}
	return out
}

// ebsDefaultAccount returns the first AWS account whose Terraform enables
// EBS encryption by default, or nil.
func ebsDefaultAccount(g *Graph) *Node {
	for _, a := range awsAccounts(g) {
		if a.Attrs["ebsEncryptionByDefault"] == "true" {
			return a
		}
	}
	return nil
}

// unencryptedEBSClass reports whether a StorageClass node provisions AWS EBS
// volumes without asking for encryption.
func unencryptedEBSClass(n *Node) bool {
	return n != nil && n.Kind == "storageclass" && n.Attrs["cloud"] == "aws" && n.Attrs["encrypted"] == "false"
}

// encryptedByDefault returns why FC-K8S-212 on an EBS StorageClass matters
// less: the Terraform of the account enables default encryption, so the
// class's volumes are encrypted anyway. It returns "" otherwise.
func encryptedByDefault(g *Graph, f finding.Finding, n *Node) string {
	if f.CheckID != "FC-K8S-212" || !unencryptedEBSClass(n) {
		return ""
	}
	a := ebsDefaultAccount(g)
	if a == nil {
		return ""
	}
	where := a.Attrs["ebsEncryptionByDefaultAt"]
	if where == "" {
		where = a.Attrs["deployment"]
	}
	return "its EBS volumes are encrypted by the account default (aws_ebs_encryption_by_default in " + where + ")"
}

// noDefaultAccount returns the AWS account whose Terraform provably leaves
// EBS default encryption off (declared false, or not managed), preferring
// one that declares it false; nil when the scan has no such account or
// when any account turns it on.
func noDefaultAccount(g *Graph) *Node {
	var unmanaged *Node
	for _, a := range awsAccounts(g) {
		switch a.Attrs["ebsEncryptionByDefault"] {
		case "true":
			return nil
		case "false":
			return a
		case "unmanaged":
			if unmanaged == nil {
				unmanaged = a
			}
		}
	}
	return unmanaged
}

func accountText(a *Node) string {
	if a.Attrs["ebsEncryptionByDefault"] == "false" {
		return fmt.Sprintf("the Terraform of the AWS account in %s/ turns EBS default encryption off (aws_ebs_encryption_by_default at %s), so nothing encrypts the volumes the class leaves unencrypted",
			a.Attrs["deployment"], a.Attrs["ebsEncryptionByDefaultAt"])
	}
	return fmt.Sprintf("the Terraform of the AWS account in %s/ does not enable EBS default encryption (no aws_ebs_encryption_by_default), so nothing encrypts the volumes the class leaves unencrypted",
		a.Attrs["deployment"])
}

func unencryptedDisks(v *view, m BuiltinRule) []Path {
	acct := noDefaultAccount(v.g)
	if acct == nil {
		return nil
	}
	var out []Path
	for _, w := range v.workloads {
		for _, ce := range v.g.Out(w.ID, "claims") {
			pvc := v.g.Node(ce.To)
			if pvc == nil {
				continue
			}
			for _, se := range v.g.Out(pvc.ID, "class") {
				sc := v.g.Node(se.To)
				if !unencryptedEBSClass(sc) {
					continue
				}
				steps := []Step{
					step(w, fmt.Sprintf("%s mounts PersistentVolumeClaim %q and writes its data there", w.Label(), pvc.Name), nil),
					step(pvc, fmt.Sprintf("PersistentVolumeClaim %q gets its volume from StorageClass %q", pvc.Name, sc.Name), nil),
					step(sc, fmt.Sprintf("StorageClass %q (provisioner %s) creates EBS volumes without encrypted: \"true\"", sc.Name, sc.Attrs["provisioner"]),
						pick(sc.Findings, checks("FC-K8S-212"))),
					step(acct, accountText(acct), nil),
				}
				summary := fmt.Sprintf("%s keeps its data on EBS volumes of StorageClass %q, which are not encrypted, and the Terraform of the AWS account does not encrypt them by default.", w.Label(), sc.Name)
				out = append(out, newPath(m.ID, w.ID+"|"+pvc.ID, m.Title, m.Severity, summary, m.Remediation, steps))
			}
		}
	}
	return out
}
