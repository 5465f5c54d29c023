package objectstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/objectstore/miniotest"
)

// isolateAWS points the AWS configuration chain at files of the test's
// own and sets the given static keys (none when id is empty), so nothing
// of the machine's configuration leaks in and nothing asks an instance
// metadata service.
func isolateAWS(t *testing.T, id, secret string) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_CA_BUNDLE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", id)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	if id == "" {
		os.Unsetenv("AWS_ACCESS_KEY_ID")
		os.Unsetenv("AWS_SECRET_ACCESS_KEY")
	}
}

// fixture is one bucket set up on the server and what the audit must find.
type fixture struct {
	name  string
	setup func(ctx context.Context, c *s3.Client, name string) error
	want  []string // check IDs
}

func createBucket(lock bool) func(context.Context, *s3.Client, string) error {
	return func(ctx context.Context, c *s3.Client, name string) error {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name), ObjectLockEnabledForBucket: aws.Bool(lock)})
		return err
	}
}

func encrypt(ctx context.Context, c *s3.Client, name string) error {
	_, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{
		Bucket: aws.String(name),
		ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAes256},
		}}},
	})
	return err
}

func version(ctx context.Context, c *s3.Client, name string) error {
	_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{
		Bucket:                  aws.String(name),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled},
	})
	return err
}

func retain(ctx context.Context, c *s3.Client, name string) error {
	_, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{
		Bucket: aws.String(name),
		ObjectLockConfiguration: &types.ObjectLockConfiguration{
			ObjectLockEnabled: types.ObjectLockEnabledEnabled,
			Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{
				Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(30),
			}},
		},
	})
	return err
}

func publicRead(ctx context.Context, c *s3.Client, name string) error {
	doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::%s/*"]}]}`, name)
	_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(name), Policy: aws.String(doc)})
	return err
}

func privatePolicy(ctx context.Context, c *s3.Client, name string) error {
	doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::%s/*"]}]}`, name)
	_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(name), Policy: aws.String(doc)})
	return err
}

func tagBackup(ctx context.Context, c *s3.Client, name string) error {
	_, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{
		Bucket:  aws.String(name),
		Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("backup"), Value: aws.String("true")}}},
	})
	return err
}

func steps(fs ...func(context.Context, *s3.Client, string) error) func(context.Context, *s3.Client, string) error {
	return func(ctx context.Context, c *s3.Client, name string) error {
		for _, f := range fs {
			if err := f(ctx, c, name); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestLiveMinIO audits buckets on a real MinIO server: hardened buckets
// raise nothing, each weak one raises exactly its findings, and calls
// MinIO does not implement become skipped notices, never findings.
func TestLiveMinIO(t *testing.T) {
	srv := miniotest.Start(t)
	ctx := t.Context()
	admin := srv.Client()

	fixtures := []fixture{
		{"hardened-backups", steps(createBucket(true), version, encrypt, retain, privatePolicy), nil},
		{"hardened-data", steps(createBucket(false), version, encrypt), nil},
		{"weak-data", createBucket(false), []string{"FC-S3-001", "FC-S3-002"}},
		{"public-site", steps(createBucket(false), version, encrypt, publicRead), []string{"FC-S3-006"}},
		{"weak-backups", steps(createBucket(false), version, encrypt), []string{"FC-S3-004"}},
		{"tagged-vault", steps(createBucket(false), version, encrypt, tagBackup), []string{"FC-S3-004"}},
		{"nightly-backup-noretention", steps(createBucket(true), encrypt), []string{"FC-S3-005"}},
	}
	for _, f := range fixtures {
		if err := f.setup(ctx, admin, f.name); err != nil {
			t.Fatalf("setting up bucket %q: %v\nMinIO log: %s", f.name, err, srv.Log())
		}
	}

	isolateAWS(t, srv.AccessKey, srv.SecretKey)
	opts := Options{Endpoint: srv.Endpoint, Insecure: true}

	t.Run("all buckets", func(t *testing.T) {
		start := time.Now()
		fs, skipped, err := Scan(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("audited %d buckets in %s", len(fixtures), time.Since(start).Round(time.Millisecond))
		want := map[string][]string{}
		for _, f := range fixtures {
			want[f.name] = f.want
		}
		if diff := cmp.Diff(want, findingsByBucket(fs, want)); diff != "" {
			t.Errorf("findings by bucket (-want +got):\n%s\nall: %v", diff, messages(fs))
		}
		for _, f := range fs {
			if f.Layer != finding.LayerCloud || f.Resource.Kind != ResourceKind || f.Location.Object != "s3://"+f.Resource.Name {
				t.Errorf("malformed finding %+v", f)
			}
		}
		// MinIO's GetBucketLogging is a stub that always says "disabled"
		// (and PutBucketLogging is not implemented): not a finding.
		wantSkipped := []finding.Skipped{{
			Path: srv.Endpoint, Scanner: scannerName,
			Reason: fmt.Sprintf("GetBucketLogging is not implemented by the endpoint; FC-S3-008 not evaluated on %d buckets (\"hardened-backups\", \"hardened-data\", \"nightly-backup-noretention\", …)", len(fixtures)),
		}, {
			Path: srv.Endpoint, Scanner: scannerName,
			Reason: fmt.Sprintf("GetPublicAccessBlock is not implemented by the endpoint; FC-S3-009 not evaluated on %d buckets (\"hardened-backups\", \"hardened-data\", \"nightly-backup-noretention\", …)", len(fixtures)),
		}}
		if diff := cmp.Diff(wantSkipped, skipped); diff != "" {
			t.Errorf("skipped (-want +got):\n%s", diff)
		}
	})

	t.Run("named buckets", func(t *testing.T) {
		o := opts
		o.Buckets = []string{"weak-data", "no-such-bucket"}
		fs, skipped, err := Scan(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		got := findingsByBucket(fs, nil)
		if diff := cmp.Diff(map[string][]string{"weak-data": {"FC-S3-001", "FC-S3-002"}}, got); diff != "" {
			t.Errorf("findings (-want +got):\n%s", diff)
		}
		if !slices.ContainsFunc(skipped, func(s finding.Skipped) bool {
			return s.Path == "s3://no-such-bucket" && strings.Contains(s.Reason, "not among the buckets")
		}) {
			t.Errorf("no skipped entry for the missing bucket: %v", skipped)
		}
	})

	t.Run("custom backup patterns", func(t *testing.T) {
		o := opts
		o.BackupPatterns = []string{"weak-*"}
		fs, _, err := Scan(ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range fs {
			if f.CheckID == "FC-S3-004" || f.CheckID == "FC-S3-005" {
				got = append(got, f.Message)
			}
		}
		want := []string{
			`backup S3 bucket "weak-backups" (name matches "weak-*") does not enable object lock`,
			`backup S3 bucket "weak-data" (name matches "weak-*") does not enable object lock`,
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("backup findings (-want +got):\n%s", diff)
		}
	})

	t.Run("profile", func(t *testing.T) {
		isolateAWS(t, "", "")
		creds := fmt.Sprintf("[audit]\naws_access_key_id = %s\naws_secret_access_key = %s\n", srv.AccessKey, srv.SecretKey)
		if err := os.WriteFile(os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), []byte(creds), 0o600); err != nil {
			t.Fatal(err)
		}
		o := opts
		o.Profile = "audit"
		o.Buckets = []string{"weak-data"}
		if fs, _, err := Scan(ctx, o); err != nil || len(fs) != 2 {
			t.Errorf("Scan with profile: %d findings, error %v", len(fs), err)
		}
		o.Profile = "missing"
		_, _, err := Scan(ctx, o)
		assertEndpointError(t, err, ErrConfig, srv.Endpoint, "missing")
	})

	t.Run("unknown access key", func(t *testing.T) {
		isolateAWS(t, "AKIAFOURCUNKNOWNKEY0", "not-the-secret")
		_, _, err := Scan(ctx, opts)
		assertEndpointError(t, err, ErrCredentials, srv.Endpoint, "InvalidAccessKeyId")
	})

	t.Run("wrong secret", func(t *testing.T) {
		isolateAWS(t, srv.AccessKey, "not-the-secret")
		_, _, err := Scan(ctx, opts)
		assertEndpointError(t, err, ErrCredentials, srv.Endpoint, "SignatureDoesNotMatch")
		if strings.Contains(err.Error(), srv.SecretKey) || strings.Contains(err.Error(), "not-the-secret") {
			t.Errorf("error shows a secret: %v", err)
		}
	})

	t.Run("no credentials", func(t *testing.T) {
		isolateAWS(t, "", "")
		_, _, err := Scan(ctx, opts)
		assertEndpointError(t, err, ErrCredentials, srv.Endpoint, "no usable credentials")
	})

	t.Run("read-only client", func(t *testing.T) {
		ep, err := newEndpoint(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ep.client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("weak-data")})
		if err == nil || !strings.Contains(err.Error(), `operation "DeleteBucket" refused`) {
			t.Fatalf("DeleteBucket through the audit client: %v, want a refusal", err)
		}
		if _, err := admin.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("weak-data")}); err != nil {
			t.Errorf("bucket gone after a refused delete: %v", err)
		}
	})
}

func TestScanUnreachable(t *testing.T) {
	isolateAWS(t, "AKIAFOURCTESTKEY0000", "test-secret")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + l.Addr().String()
	l.Close() // nothing listens there any more
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	_, _, err = Scan(ctx, Options{Endpoint: endpoint, Insecure: true})
	assertEndpointError(t, err, ErrUnreachable, endpoint, "connection refused")
}

func TestScanRefusesPlainHTTP(t *testing.T) {
	isolateAWS(t, "AKIAFOURCTESTKEY0000", "test-secret")
	_, _, err := Scan(t.Context(), Options{Endpoint: "http://127.0.0.1:9"})
	assertEndpointError(t, err, ErrConfig, "http://127.0.0.1:9", "plain HTTP")
}

func TestScanBadBackupPattern(t *testing.T) {
	isolateAWS(t, "AKIAFOURCTESTKEY0000", "test-secret")
	_, _, err := Scan(t.Context(), Options{Endpoint: "http://127.0.0.1:9", Insecure: true, BackupPatterns: []string{"[backup"}})
	assertEndpointError(t, err, ErrConfig, "http://127.0.0.1:9", `backup pattern "[backup" is not a valid glob`)
}

// assertEndpointError checks that err is one line naming the endpoint,
// of the given kind, and mentions detail.
func assertEndpointError(t *testing.T, err error, kind ErrorKind, endpoint, detail string) {
	t.Helper()
	var ee *EndpointError
	if !errors.As(err, &ee) {
		t.Fatalf("error %v (%T), want an *EndpointError", err, err)
	}
	msg := err.Error()
	if ee.Kind != kind || !strings.Contains(msg, fmt.Sprintf("%q", endpoint)) || !strings.Contains(msg, detail) || strings.Contains(msg, "\n") {
		t.Errorf("error %q (kind %v), want one line of kind %v naming %q and %q", msg, ee.Kind, kind, endpoint, detail)
	}
}

// findingsByBucket groups check IDs by bucket; every bucket of want is
// present (nil when it has no findings).
func findingsByBucket(fs []finding.Finding, want map[string][]string) map[string][]string {
	got := map[string][]string{}
	for name := range want {
		got[name] = nil
	}
	for _, f := range fs {
		got[f.Resource.Name] = append(got[f.Resource.Name], f.CheckID)
	}
	for _, ids := range got {
		slices.Sort(ids)
	}
	return got
}
