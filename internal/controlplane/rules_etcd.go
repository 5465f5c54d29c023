package controlplane

import "github.com/fourc-dev/fourc/internal/finding"

func etcdRules() []Rule {
	etcd := []Component{Etcd}
	edit := "Edit etcd's static pod manifest (/etc/kubernetes/manifests/etcd.yaml) or its configuration and "
	return []Rule{
		{
			ID: "FC-CIS-050", CIS: "2.1", Components: etcd, Severity: finding.SeverityHigh,
			Title:       "etcd has no serving certificate",
			Description: "Without --cert-file and --key-file etcd serves clients without TLS, so everything the API server stores, Secrets included, crosses the network in clear text.",
			Remediation: edit + "set --cert-file and --key-file.",
			Flag:        "cert-file", With: []string{"key-file"}, Op: MustBeSet,
		},
		{
			ID: "FC-CIS-051", CIS: "2.2", Components: etcd, Severity: finding.SeverityCritical,
			Title:       "etcd accepts clients without certificates",
			Description: "Without --client-cert-auth anyone who reaches etcd's client port can read and change every object of the cluster, Secrets included, bypassing RBAC and audit.",
			Remediation: edit + "set --client-cert-auth=true and --trusted-ca-file.",
			Flag:        "client-cert-auth", Default: "false", Op: MustEqual, Want: "true",
		},
		{
			ID: "FC-CIS-052", CIS: "2.3", Components: etcd, Severity: finding.SeverityMedium,
			Title:       "etcd serves clients with a self-signed certificate",
			Description: "--auto-tls makes etcd generate a self-signed certificate that clients cannot verify.",
			Remediation: edit + "remove --auto-tls or set it to false, and use a certificate from the etcd CA.",
			Flag:        "auto-tls", Default: "false", Op: MustNotEqual, Want: "true",
		},
		{
			ID: "FC-CIS-053", CIS: "2.4", Components: etcd, Severity: finding.SeverityMedium,
			Title:       "etcd peers talk without TLS",
			Description: "Without --peer-cert-file and --peer-key-file etcd members replicate the whole keyspace in clear text.",
			Remediation: edit + "set --peer-cert-file and --peer-key-file.",
			Flag:        "peer-cert-file", With: []string{"peer-key-file"}, Op: MustBeSet,
		},
		{
			ID: "FC-CIS-054", CIS: "2.5", Components: etcd, Severity: finding.SeverityHigh,
			Title:       "etcd accepts peers without certificates",
			Description: "Without --peer-client-cert-auth anything that reaches the peer port can join the cluster and receive a copy of all data.",
			Remediation: edit + "set --peer-client-cert-auth=true and --peer-trusted-ca-file.",
			Flag:        "peer-client-cert-auth", Default: "false", Op: MustEqual, Want: "true",
		},
		{
			ID: "FC-CIS-055", CIS: "2.6", Components: etcd, Severity: finding.SeverityMedium,
			Title:       "etcd peers use self-signed certificates",
			Description: "--peer-auto-tls makes etcd generate self-signed peer certificates that members cannot verify.",
			Remediation: edit + "remove --peer-auto-tls or set it to false.",
			Flag:        "peer-auto-tls", Default: "false", Op: MustNotEqual, Want: "true",
		},
		{
			ID: "FC-CIS-056", CIS: "2.7", Components: etcd, Severity: finding.SeverityMedium,
			Title:       "etcd does not name a CA for its clients",
			Description: "Without --trusted-ca-file etcd cannot verify client certificates; it should be a CA used for etcd only, so that no other cluster certificate opens etcd.",
			Remediation: edit + "set --trusted-ca-file to a CA dedicated to etcd.",
			Flag:        "trusted-ca-file", Op: MustBeSet,
		},
		{
			ID: "FC-CIS-057", CIS: "2.1", Components: etcd, Severity: finding.SeverityHigh,
			Title:       "etcd listens for clients over plain HTTP",
			Description: "An http:// client URL serves the keyspace without TLS, whatever certificates are configured.",
			Remediation: edit + "use only https:// URLs in --listen-client-urls and --advertise-client-urls.",
			Flag:        "listen-client-urls", Eval: evalEtcdListen,
			Refs: []finding.Reference{{Source: "CWE-319"}},
		},
	}
}
