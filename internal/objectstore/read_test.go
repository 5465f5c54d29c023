package objectstore

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
)

func TestBackupReason(t *testing.T) {
	def := DefaultBackupPatterns()
	tests := []struct {
		name     string
		bucket   string
		tags     map[string]string
		patterns []string
		want     string
	}{
		{"name", "db-backups", nil, def, `name matches "*backup*"`},
		{"name any case", "DB-BACKUP", nil, def, `name matches "*backup*"`},
		{"tag", "vault", map[string]string{"Backup": "TRUE"}, def, "tag Backup=TRUE"},
		{"tag false", "vault", map[string]string{"backup": "false"}, def, ""},
		{"plain", "web-assets", map[string]string{"team": "web"}, def, ""},
		{"custom name glob", "pg-dumps-eu", nil, []string{"*-dumps-*"}, `name matches "*-dumps-*"`},
		{"custom tag glob", "x", map[string]string{"class": "backup-daily"}, []string{"class=backup-*"}, "tag class=backup-daily"},
		{"custom replaces defaults", "db-backups", nil, []string{"*-dumps-*"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := backupReason(tt.bucket, tt.tags, tt.patterns); got != tt.want {
				t.Errorf("backupReason = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEndpointURL(t *testing.T) {
	tests := []struct {
		raw      string
		insecure bool
		want     string
		wantErr  string
	}{
		{raw: "", want: ""},
		{raw: "https://s3.example.com/", want: "https://s3.example.com"},
		{raw: "minio.example.com:9000", want: "https://minio.example.com:9000"},
		{raw: "127.0.0.1:9000", insecure: true, want: "http://127.0.0.1:9000"},
		{raw: "http://127.0.0.1:9000", insecure: true, want: "http://127.0.0.1:9000"},
		{raw: "http://127.0.0.1:9000", wantErr: "plain HTTP"},
		{raw: "ftp://host", wantErr: "scheme must be http or https"},
		{raw: "https://", wantErr: "has no host"},
		{raw: "https://user:pw@host", wantErr: "must not carry credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := endpointURL(tt.raw, tt.insecure)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "pw") {
					t.Errorf("error shows the password: %v", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("endpointURL = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestIsReadOnly(t *testing.T) {
	for op, want := range map[string]bool{
		"ListBuckets": true, "GetBucketPolicy": true, "HeadBucket": true,
		"PutBucketPolicy": false, "DeleteBucket": false, "CreateSession": false, "": false,
	} {
		if got := isReadOnly(op); got != want {
			t.Errorf("isReadOnly(%q) = %v, want %v", op, got, want)
		}
	}
}

// TestUnread checks the skipped entries: one per call the endpoint does
// not implement, naming the endpoint and the checks left out; one per
// bucket for denied calls and unparsable policies.
func TestUnread(t *testing.T) {
	ni := func() Setting[*PublicAccessBlock] {
		return Setting[*PublicAccessBlock]{Status: NotImplemented, Reason: "NotImplemented: not implemented (HTTP 501)"}
	}
	known := func(b *Bucket) *Bucket {
		b.Tags.Status, b.Encryption.Status, b.Versioning.Status, b.ObjectLock.Status = Known, Known, Known, Known
		b.Policy.Status, b.ACL.Status, b.Logging.Status = Known, Known, Known
		return b
	}
	a := known(&Bucket{Name: "a", PublicAccessBlock: ni()})
	b := known(&Bucket{Name: "b", PublicAccessBlock: ni()})
	b.Policy = Setting[string]{Status: Known, Value: "{"}
	b.Encryption = Setting[Encryption]{Status: Denied, Reason: "AccessDenied: Access Denied (HTTP 403)"}
	ep := &endpoint{name: "http://127.0.0.1:9000"}
	got := ep.unread([]*Bucket{a, b})
	want := []finding.Skipped{
		{Path: "s3://b", Scanner: scannerName, Reason: "GetBucketEncryption denied: AccessDenied: Access Denied (HTTP 403); FC-S3-001 not evaluated"},
		{Path: "http://127.0.0.1:9000", Scanner: scannerName, Reason: `GetPublicAccessBlock is not implemented by the endpoint; FC-S3-009 not evaluated on 2 buckets ("a", "b")`},
		{Path: "s3://b", Scanner: scannerName, Reason: "bucket policy does not parse: policy is not a JSON object: unexpected EOF; FC-S3-006 not evaluated"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

func TestBucketList(t *testing.T) {
	tests := []struct {
		names []string
		want  string
	}{
		{[]string{"a"}, `bucket "a"`},
		{[]string{"a", "b", "c"}, `3 buckets ("a", "b", "c")`},
		{[]string{"a", "b", "c", "d"}, `4 buckets ("a", "b", "c", …)`},
	}
	for _, tt := range tests {
		if got := bucketList(tt.names); got != tt.want {
			t.Errorf("bucketList(%v) = %q, want %q", tt.names, got, tt.want)
		}
	}
}

func TestEndpointErrorMessage(t *testing.T) {
	cause := errors.New("dial tcp 127.0.0.1:1: connect: connection refused")
	err := fmt.Errorf("scanning: %w", &EndpointError{Endpoint: "http://127.0.0.1:1", Kind: ErrUnreachable, Detail: cause.Error(), Err: cause})
	var ee *EndpointError
	if !errors.As(err, &ee) || ee.Kind != ErrUnreachable || !errors.Is(err, cause) {
		t.Fatalf("errors.As/Is do not find the endpoint error in %v", err)
	}
	want := `s3 endpoint "http://127.0.0.1:1": unreachable: dial tcp 127.0.0.1:1: connect: connection refused`
	if ee.Error() != want {
		t.Errorf("Error() = %q, want %q", ee.Error(), want)
	}
}
