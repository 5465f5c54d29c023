package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/fourc-dev/fourc/internal/objectstore/miniotest"
)

// TestS3AgainstMinIO runs `fourc s3` against a real MinIO server: a bucket
// with nothing configured is reported in every format, the credentials
// never appear in the output, and a wrong secret is one clear error.
func TestS3AgainstMinIO(t *testing.T) {
	srv := miniotest.Start(t)
	if _, err := srv.Client().CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("cli-weak-data")}); err != nil {
		t.Fatalf("creating a bucket: %v\nMinIO log: %s", err, srv.Log())
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", miniotest.Region)
	t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretKey)

	out, errOut, code := run(t, "s3", "--endpoint", srv.Endpoint, "--insecure", "--format", "json", "--quiet")
	if code != 0 {
		t.Fatalf("fourc s3: exit %d\n%s", code, errOut)
	}
	var rep struct {
		Findings []struct {
			CheckID  string `json:"check_id"`
			Layer    string `json:"layer"`
			Resource struct{ Name string }
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report is not JSON: %v", err)
	}
	var ids []string
	for _, f := range rep.Findings {
		if f.Resource.Name == "cli-weak-data" {
			ids = append(ids, f.CheckID)
			if f.Layer != "Cloud" {
				t.Errorf("%s on layer %q, want Cloud", f.CheckID, f.Layer)
			}
		}
	}
	for _, want := range []string{"FC-S3-001", "FC-S3-002"} {
		if !slices.Contains(ids, want) {
			t.Errorf("no %s on the unencrypted, unversioned bucket; got %v", want, ids)
		}
	}
	for _, format := range []string{"table", "sarif", "markdown", "html"} {
		out, errOut, code := run(t, "s3", "--endpoint", srv.Endpoint, "--insecure", "--format", format)
		if code != 0 {
			t.Fatalf("--format %s: exit %d\n%s", format, code, errOut)
		}
		if !strings.Contains(out, "cli-weak-data") {
			t.Errorf("--format %s does not name the bucket", format)
		}
		if strings.Contains(out+errOut, srv.SecretKey) {
			t.Errorf("--format %s prints the secret access key", format)
		}
	}

	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-"+srv.SecretKey)
	_, errOut, code = run(t, "s3", "--endpoint", srv.Endpoint, "--insecure")
	if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.HasPrefix(errOut, "fourc: ") {
		t.Errorf("wrong secret: exit %d, stderr %q; want exit 2 and one line", code, errOut)
	}
	if strings.Contains(errOut, srv.SecretKey) {
		t.Error("the error message prints the secret access key")
	}
}
