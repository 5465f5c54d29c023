package objectstore

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/check/checktest"
	"github.com/fourc-dev/fourc/internal/finding"
)

// loadBucket reads a JSON-serialised Bucket fixture; unknown fields fail.
func loadBucket(t *testing.T, file string) *Bucket {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var b Bucket
	if err := dec.Decode(&b); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return &b
}

// checkByID returns one check of the catalogue.
func checkByID(t *testing.T, id string) check.Check[*Bucket] {
	t.Helper()
	cs := checks()
	i := slices.IndexFunc(cs, func(c check.Check[*Bucket]) bool { return c.ID == id })
	if i < 0 {
		t.Fatalf("no check %s", id)
	}
	return cs[i]
}

// TestCheckFixtures runs every check over its pass and fail fixtures, one
// JSON-serialised bucket each.
func TestCheckFixtures(t *testing.T) {
	checktest.Fixtures(t, Checks(), "testdata/checks", func(t *testing.T, file string) ([]finding.Finding, []finding.Skipped) {
		return evaluate(checks(), loadBucket(t, file)), nil
	}, checktest.PerEntry(), checktest.WithoutLine())
}

func TestChecksValid(t *testing.T) {
	if _, err := check.NewRegistry(Checks()); err != nil {
		t.Fatal(err)
	}
	for _, m := range Checks() {
		if !strings.HasPrefix(m.ID, "FC-S3-") || m.Layer != finding.LayerCloud {
			t.Errorf("%s: want an FC-S3- ID in the Cloud layer", m.ID)
		}
		if len(m.References) == 0 {
			t.Errorf("%s: no references", m.ID)
		}
	}
	ids := make([]string, 0, len(Checks()))
	for _, m := range Checks() {
		ids = append(ids, m.ID)
	}
	if !slices.IsSorted(ids) {
		t.Errorf("checks are not in ID order: %v", ids)
	}
}

// TestCheckMessages pins the message of each fail fixture: the messages
// are what a person reads.
func TestCheckMessages(t *testing.T) {
	tests := []struct {
		id, fixture string
		want        []string
	}{
		{"FC-S3-001", "no-config", []string{`S3 bucket "data" has no default server-side encryption`}},
		{"FC-S3-002", "never-enabled", []string{`S3 bucket "data" has never enabled versioning`}},
		{"FC-S3-002", "suspended", []string{`S3 bucket "data" has versioning Suspended`}},
		{"FC-S3-003", "disabled", []string{`S3 bucket "data" reports MFA delete Disabled`}},
		{"FC-S3-004", "backup-name", []string{`backup S3 bucket "db-backups" (name matches "*backup*") does not enable object lock`}},
		{"FC-S3-004", "backup-tag", []string{`backup S3 bucket "vault-17" (tag backup=true) does not enable object lock`}},
		{"FC-S3-005", "lock-without-retention", []string{`backup S3 bucket "db-backups" (name matches "*backup*") enables object lock without a default retention`}},
		{"FC-S3-006", "principal-star", []string{`policy statement "PublicRead" of S3 bucket "site" allows everyone (Principal "*") to s3:GetObject without a condition`}},
		{"FC-S3-006", "aws-star-single-statement", []string{`policy statement #1 of S3 bucket "site" allows everyone (Principal "*") to s3:PutObject, s3:GetObject without a condition`}},
		{"FC-S3-006", "not-principal", []string{`policy statement #1 of S3 bucket "site" allows everyone but the NotPrincipal list to s3:* without a condition`}},
		{"FC-S3-007", "all-users-read", []string{`ACL of S3 bucket "data" grants READ to AllUsers`}},
		{"FC-S3-007", "authenticated-users-write", []string{`ACL of S3 bucket "data" grants WRITE to AuthenticatedUsers`}},
		{"FC-S3-008", "disabled", []string{`S3 bucket "data" does not log server access`}},
		{"FC-S3-009", "none", []string{`S3 bucket "data" has no public access block`}},
		{"FC-S3-009", "partial", []string{`public access block of S3 bucket "data" does not set BlockPublicPolicy, RestrictPublicBuckets to true`}},
	}
	for _, tt := range tests {
		t.Run(tt.id+"/"+tt.fixture, func(t *testing.T) {
			b := loadBucket(t, filepath.Join("testdata/checks", tt.id, "fail", tt.fixture+".json"))
			got := messages(evaluate([]check.Check[*Bucket]{checkByID(t, tt.id)}, b))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("messages (-want +got):\n%s", diff)
			}
		})
	}
}

// TestChecksNeverFireOnUnknown runs every check over a bucket whose
// settings were all refused, not implemented or never read, with values
// that would fire if they were known.
func TestChecksNeverFireOnUnknown(t *testing.T) {
	for _, st := range []Status{Unread, NotImplemented, Denied, Failed} {
		b := &Bucket{
			Name:              "db-backup",
			Backup:            `name matches "*backup*"`,
			Tags:              Setting[map[string]string]{Status: st},
			Encryption:        Setting[Encryption]{Status: st},
			Versioning:        Setting[Versioning]{Status: st, Value: Versioning{MFADelete: "Disabled"}},
			ObjectLock:        Setting[ObjectLock]{Status: st, Value: ObjectLock{Enabled: true}},
			Policy:            Setting[string]{Status: st, Value: `{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*"}}`},
			ACL:               Setting[[]Grant]{Status: st, Value: []Grant{{GranteeType: "Group", URI: "http://acs.amazonaws.com/groups/global/AllUsers", Permission: "READ"}}},
			Logging:           Setting[Logging]{Status: st},
			PublicAccessBlock: Setting[*PublicAccessBlock]{Status: st},
		}
		if got := evaluate(checks(), b); len(got) > 0 {
			t.Errorf("status %q: findings on unknown settings: %v", st, messages(got))
		}
	}
}

func messages(fs []finding.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.Message)
	}
	return out
}
