package coverage

import (
	"cmp"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// other is the service of a fourc check that references no anchor.
const other = "other"

// Row is one fourc check on the coverage page, with the anchor IDs it
// stands for: those it references and those of the anchors it matches.
type Row struct {
	Check    check.Meta
	Provider string
	Service  string
	AVD      []string
	TFSec    []string
	CIS      []string
	Anchors  []Anchor // the anchor controls the check matches
	// Unknown lists the AVD and tfsec IDs the check references that the
	// anchor table does not hold (a typo, or a control of another provider).
	Unknown []string
}

// Service is one provider's service: fourc's checks and the anchor
// controls none of them matches yet.
type Service struct {
	Name       string
	Rows       []Row
	NotCovered []Anchor
}

// Provider is one provider's section of the page.
type Provider struct {
	Name     string
	Services []Service
	// Checks is the number of fourc checks, Anchors the number of anchor
	// controls and Covered the anchors at least one fourc check matches.
	Checks, Anchors, Covered int
}

// Report is the coverage of fourc's cloud checks, per provider.
type Report struct{ Providers []Provider }

// Build matches the Cloud-layer checks of checks to the anchors. A check
// belongs to a provider by its ID (FC-AWS-, FC-AZ-, FC-GCP-) or, failing
// that, by the anchors it references; a check of neither kind is left
// out. Its service is that of the first anchor it matches, else the one
// its ID or title names (see [serviceOf]), else "other".
func Build(checks []check.Meta, anchors []Anchor) Report {
	idx := newIndex(anchors)
	covered := make([]bool, len(anchors))
	var rows []Row
	for _, c := range checks {
		if c.Layer != finding.LayerCloud {
			continue
		}
		r, ok := idx.match(c, covered)
		if ok {
			rows = append(rows, r)
		}
	}
	var rep Report
	for _, p := range Providers {
		rep.Providers = append(rep.Providers, group(p, rows, anchors, covered))
	}
	return rep
}

// index finds anchors by their AVD and tfsec IDs.
type index struct {
	anchors        []Anchor
	byAVD, byTFSec map[string]int
}

func newIndex(anchors []Anchor) index {
	idx := index{anchors: anchors, byAVD: map[string]int{}, byTFSec: map[string]int{}}
	for i, a := range anchors {
		idx.byAVD[a.AVD] = i
		if a.TFSec != "" {
			idx.byTFSec[a.TFSec] = i
		}
	}
	return idx
}

// match builds the row of one check and marks the anchors it matches as
// covered; ok is false when the check belongs to no provider.
func (idx index) match(c check.Meta, covered []bool) (r Row, ok bool) {
	r = Row{Check: c, Provider: providerOf(c.ID)}
	var avd, tfsec, cis []string
	for _, ref := range c.References {
		a, t, ci := parseRef(ref)
		avd, tfsec, cis = appendNew(avd, a), appendNew(tfsec, t), appendNew(cis, ci)
	}
	var matched []int
	for _, ids := range []struct {
		list  []string
		index map[string]int
	}{{avd, idx.byAVD}, {tfsec, idx.byTFSec}} {
		for _, id := range ids.list {
			i, ok := ids.index[id]
			switch {
			case !ok:
				r.Unknown = append(r.Unknown, id)
			case !slices.Contains(matched, i):
				matched = append(matched, i)
			}
		}
	}
	if r.Provider == "" && len(matched) > 0 {
		r.Provider = idx.anchors[matched[0]].Provider
	}
	if r.Provider == "" {
		return Row{}, false
	}
	r.Service = serviceOf(c, r.Provider)
	for _, i := range matched {
		a := idx.anchors[i]
		if a.Provider != r.Provider {
			r.Unknown = append(r.Unknown, a.AVD)
			continue
		}
		if len(r.Anchors) == 0 {
			r.Service = a.Service
		}
		covered[i] = true
		r.Anchors = append(r.Anchors, a)
		avd, tfsec = appendNew(avd, a.AVD), appendNew(tfsec, a.TFSec)
		for _, ci := range a.CIS {
			cis = appendNew(cis, ci)
		}
	}
	r.AVD, r.TFSec, r.CIS = avd, tfsec, cis
	return r, true
}

// group builds one provider's section: its checks and uncovered anchors
// per service, services in name order with "other" last.
func group(p string, rows []Row, anchors []Anchor, covered []bool) Provider {
	prov := Provider{Name: p}
	services := map[string]*Service{}
	get := func(name string) *Service {
		if s, ok := services[name]; ok {
			return s
		}
		s := &Service{Name: name}
		services[name] = s
		return s
	}
	for _, r := range rows {
		if r.Provider == p {
			s := get(r.Service)
			s.Rows = append(s.Rows, r)
			prov.Checks++
		}
	}
	for i, a := range anchors {
		if a.Provider != p {
			continue
		}
		prov.Anchors++
		if covered[i] {
			prov.Covered++
			continue
		}
		s := get(a.Service)
		s.NotCovered = append(s.NotCovered, a)
	}
	for _, s := range services {
		slices.SortFunc(s.Rows, func(a, b Row) int { return cmp.Compare(a.Check.ID, b.Check.ID) })
		prov.Services = append(prov.Services, *s)
	}
	slices.SortFunc(prov.Services, func(a, b Service) int {
		if (a.Name == other) != (b.Name == other) {
			if a.Name == other {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return prov
}

// providerOf reads a check's provider from its ID, or "" when the ID
// names none.
func providerOf(id string) string {
	switch {
	case strings.HasPrefix(id, "FC-AWS-"):
		return "AWS"
	case strings.HasPrefix(id, "FC-AZ-"), strings.HasPrefix(id, "FC-AZURE-"):
		return "Azure"
	case strings.HasPrefix(id, "FC-GCP-"):
		return "GCP"
	}
	return ""
}

// serviceWords names, per provider, the Trivy service of the resources a
// check's title may mention, for checks that match no anchor.
var serviceWords = map[string][]struct{ word, service string }{
	"AWS": {
		{"S3", "s3"}, {"CloudTrail", "cloudtrail"}, {"CloudWatch", "cloudwatch"}, {"IAM", "iam"},
		{"access key", "iam"}, {"EKS", "eks"}, {"ECS", "ecs"}, {"ECR", "ecr"}, {"EFS", "efs"},
		{"RDS", "rds"}, {"Aurora", "rds"}, {"DynamoDB", "dynamodb"}, {"KMS", "kms"},
		{"Lambda", "lambda"}, {"SNS", "sns"}, {"SQS", "sqs"}, {"EBS", "ec2"}, {"EC2", "ec2"},
		{"VPC", "ec2"}, {"security group", "ec2"}, {"Security group", "ec2"}, {"instance", "ec2"},
		{"Instance", "ec2"}, {"load balancer", "elb"}, {"Load balancer", "elb"}, {"CloudFront", "cloudfront"},
		{"API Gateway", "apigateway"}, {"ElastiCache", "elasticache"}, {"Redshift", "redshift"},
		{"OpenSearch", "elasticsearch"}, {"Elasticsearch", "elasticsearch"}, {"Secrets Manager", "ssm"},
		{"SSM", "ssm"}, {"Kinesis", "kinesis"}, {"MSK", "msk"}, {"Neptune", "neptune"},
		{"DocumentDB", "documentdb"}, {"CodeBuild", "codebuild"}, {"Config", "config"},
	},
	"Azure": {
		{"AKS", "container"}, {"Storage account", "storage"}, {"storage account", "storage"},
		{"Storage container", "storage"}, {"Key Vault", "keyvault"}, {"key vault", "keyvault"},
		{"network security", "network"}, {"Network security", "network"}, {"disk", "compute"},
		{"virtual machine", "compute"}, {"Virtual machine", "compute"}, {"App Service", "appservice"},
		{"SQL", "database"}, {"PostgreSQL", "database"}, {"MySQL", "database"}, {"Cosmos", "database"},
	},
	"GCP": {
		{"GKE", "gke"}, {"Cloud Storage", "storage"}, {"Cloud SQL", "sql"}, {"BigQuery", "bigquery"},
		{"KMS", "kms"}, {"IAM", "iam"}, {"service account", "iam"}, {"Firewall", "compute"},
		{"firewall", "compute"}, {"Compute", "compute"}, {"instance", "compute"}, {"Instance", "compute"},
		{"DNS", "dns"},
	},
}

// serviceOf returns the service a check that matches no anchor belongs
// to: the one its ID names (FC-AWS-S3-001), else the first resource its
// title names, else "other".
func serviceOf(c check.Meta, provider string) string {
	if parts := strings.Split(c.ID, "-"); len(parts) == 4 {
		return strings.ToLower(parts[2])
	}
	best, at := other, len(c.Title)+1
	for _, w := range serviceWords[provider] {
		if i := wordIndex(c.Title, w.word); i >= 0 && i < at {
			best, at = w.service, i
		}
	}
	return best
}

// wordIndex returns where word occurs in s as whole words, or -1.
func wordIndex(s, word string) int {
	for off := 0; ; {
		i := strings.Index(s[off:], word)
		if i < 0 {
			return -1
		}
		i += off
		end := i + len(word)
		if (i == 0 || !isWordByte(s[i-1])) && (end == len(s) || !isWordByte(s[end])) {
			return i
		}
		off = i + 1
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

var (
	avdSourceRe = regexp.MustCompile(`(?i)^AVD-(AWS|AZU|GCP)-\d{4}$`)
	avdURLRe    = regexp.MustCompile(`(?i)avd\.aquasec\.com/misconfig/(?:[a-z0-9-]+/)*(avd-(?:aws|azu|gcp)-\d{4})/?$`)
	tfsecURLRe  = regexp.MustCompile(`(?i)/tfsec/[a-z0-9.]+/checks/([a-z]+)/([a-z0-9-]+)/([a-z0-9-]+)/?$`)
)

// parseRef reads the Trivy ID, tfsec ID or CIS item a reference names,
// by its source ("AVD-AWS-0086", "tfsec:aws-s3-block-public-acls",
// "CIS …") or, for the first two, its URL.
func parseRef(r finding.Reference) (avd, tfsec, cis string) {
	src := strings.TrimSpace(r.Source)
	switch {
	case avdSourceRe.MatchString(src):
		avd = strings.ToUpper(src)
	case strings.HasPrefix(strings.ToLower(src), "tfsec:"):
		tfsec = strings.ToLower(strings.TrimSpace(src[len("tfsec:"):]))
	case strings.HasPrefix(src, "CIS "):
		cis = src
	}
	if m := avdURLRe.FindStringSubmatch(r.URL); m != nil && avd == "" {
		avd = strings.ToUpper(m[1])
	}
	if m := tfsecURLRe.FindStringSubmatch(r.URL); m != nil && tfsec == "" {
		tfsec = strings.ToLower(m[1] + "-" + m[2] + "-" + m[3])
	}
	return avd, tfsec, cis
}

func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// Markdown renders the coverage of the Cloud-layer checks among checks
// against the embedded anchors as docs/coverage.md.
func Markdown(w io.Writer, checks []check.Meta) error {
	anchors, err := Anchors()
	if err != nil {
		return err
	}
	rep := Build(checks, anchors)
	var b strings.Builder
	b.WriteString("# Cloud check coverage\n\n")
	b.WriteString("<!-- Generated by `fourc docs coverage`; do not edit. -->\n\n")
	b.WriteString("fourc's cloud (Terraform, CloudFormation) checks next to the equivalent checks of Trivy (AVD IDs)\n")
	b.WriteString("and tfsec, and the CIS benchmark items they map to, per provider and service. A fourc check\n")
	b.WriteString("matches an anchor control when it references the control's AVD or tfsec ID; the anchor\n")
	b.WriteString("controls no fourc check matches are listed under \"Not covered yet\". Services follow Trivy's\n")
	b.WriteString("names; a fourc check that references no anchor control sits under the service its title names,\n")
	b.WriteString("else under \"other\".\n")
	b.WriteString("Some anchor controls check live account state (root account, credential age) that no\n")
	b.WriteString("Terraform file can show.\n\n")
	b.WriteString("| Provider | fourc checks | Anchor controls | Covered | Not covered yet |\n|---|---:|---:|---:|---:|\n")
	for _, p := range rep.Providers {
		fmt.Fprintf(&b, "| [%s](#%s) | %d | %d | %d | %d |\n", p.Name, strings.ToLower(p.Name), p.Checks, p.Anchors, p.Covered, p.Anchors-p.Covered)
	}
	b.WriteString("\n")
	for _, p := range rep.Providers {
		fmt.Fprintf(&b, "## %s\n\n", p.Name)
		fmt.Fprintf(&b, "%d fourc checks; %d anchor controls, %d covered, %d not covered yet.\n\n", p.Checks, p.Anchors, p.Covered, p.Anchors-p.Covered)
		for _, s := range p.Services {
			fmt.Fprintf(&b, "### %s %s\n\n", p.Name, s.Name)
			if len(s.Rows) > 0 {
				b.WriteString("| fourc ID | Title | Severity | Trivy | tfsec | CIS |\n|---|---|---|---|---|---|\n")
				for _, r := range s.Rows {
					fmt.Fprintf(&b, "| [%s](checks.md#%s) | %s | %s | %s | %s | %s |\n",
						r.Check.ID, strings.ToLower(r.Check.ID), cell(r.Check.Title), r.Check.Severity,
						ids(r.AVD, avdLink), ids(r.TFSec, tfsecLink), cell(strings.Join(r.CIS, "; ")))
				}
				b.WriteString("\n")
			}
			if len(s.NotCovered) > 0 {
				fmt.Fprintf(&b, "Not covered yet (%d):\n\n", len(s.NotCovered))
				b.WriteString("| Trivy | tfsec | CIS | Title |\n|---|---|---|---|\n")
				for _, a := range s.NotCovered {
					fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", avdLink(a.AVD), tfsecLink(a.TFSec), cell(strings.Join(a.CIS, "; ")), cell(a.Title))
				}
				b.WriteString("\n")
			}
		}
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func ids(list []string, link func(string) string) string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, link(s))
	}
	return strings.Join(out, ", ")
}

func avdLink(id string) string {
	return fmt.Sprintf("[%s](https://avd.aquasec.com/misconfig/%s)", id, strings.ToLower(id))
}

// tfsecLink links a tfsec ID to its page, which lives under the ID's
// provider and service.
func tfsecLink(id string) string {
	if id == "" {
		return ""
	}
	prov, rest, ok := strings.Cut(id, "-")
	if !ok {
		return id
	}
	svc, code, ok := strings.Cut(rest, "-")
	for _, dashed := range tfsecDashed {
		if c, found := strings.CutPrefix(rest, dashed+"-"); found {
			svc, code, ok = dashed, c, true
		}
	}
	if !ok {
		return id
	}
	return fmt.Sprintf("[%s](https://aquasecurity.github.io/tfsec/latest/checks/%s/%s/%s/)", id, prov, svc, code)
}

// tfsecDashed lists tfsec's service names that contain a dash.
var tfsecDashed = []string{"api-gateway", "elastic-search", "security-center"}

func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}
