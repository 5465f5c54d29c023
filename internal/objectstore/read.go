package objectstore

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/fourc-dev/fourc/internal/finding"
)

// errNoSuchBucket marks a bucket that does not exist (any more).
var errNoSuchBucket = errors.New("no such bucket")

// read fills the model of one bucket with read-only calls. Settings the
// endpoint does not answer keep their status and reason; only a failure
// of the endpoint itself (unreachable, credentials rejected) or
// cancellation is returned as an error.
func (ep *endpoint) read(ctx context.Context, l listed) (*Bucket, error) {
	b := &Bucket{Name: l.name, Region: l.region}
	name := aws.String(l.name)
	if b.Region == "" {
		b.Region = ep.region
		if ep.aws {
			if out, err := ep.client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: name}); err == nil {
				b.Region = bucketRegion(string(out.LocationConstraint))
			}
		}
	}
	in := func(o *s3.Options) { o.Region = b.Region }
	var err error
	fail := func(err error) error {
		if kind, detail, ok := endpointFailure(err); ok {
			return &EndpointError{Endpoint: ep.name, Kind: kind, Detail: detail, Err: err}
		}
		return fmt.Errorf("reading bucket %q: %w", l.name, err)
	}

	// Versioning first: every endpoint implements it, so it also tells
	// whether the bucket exists.
	vers, err := ep.client.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: name}, in)
	if apiCode(err) == "NoSuchBucket" {
		return nil, errNoSuchBucket
	}
	if b.Versioning, err = settle(err, func() Versioning {
		return Versioning{Status: string(vers.Status), MFADelete: string(vers.MFADelete)}
	}); err != nil {
		return nil, fail(err)
	}

	tags, err := ep.client.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: name}, in)
	if b.Tags, err = settle(err, func() map[string]string { return tagsOf(tags) }, "NoSuchTagSet", "NoSuchTagSetError"); err != nil {
		return nil, fail(err)
	}
	b.Backup = backupReason(b.Name, b.Tags.Value, ep.patterns)

	enc, err := ep.client.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: name}, in)
	if b.Encryption, err = settle(err, func() Encryption { return encryptionOf(enc) }, "ServerSideEncryptionConfigurationNotFoundError"); err != nil {
		return nil, fail(err)
	}

	lock, err := ep.client.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: name}, in)
	if b.ObjectLock, err = settle(err, func() ObjectLock { return objectLockOf(lock) }, "ObjectLockConfigurationNotFoundError"); err != nil {
		return nil, fail(err)
	}

	pol, err := ep.client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: name}, in)
	if b.Policy, err = settle(err, func() string { return aws.ToString(pol.Policy) }, "NoSuchBucketPolicy"); err != nil {
		return nil, fail(err)
	}

	acl, err := ep.client.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: name}, in)
	if b.ACL, err = settle(err, func() []Grant { return grantsOf(acl) }); err != nil {
		return nil, fail(err)
	}

	logging, err := ep.client.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: name}, in)
	if b.Logging, err = settle(err, func() Logging {
		if logging.LoggingEnabled == nil {
			return Logging{}
		}
		return Logging{
			TargetBucket: aws.ToString(logging.LoggingEnabled.TargetBucket),
			TargetPrefix: aws.ToString(logging.LoggingEnabled.TargetPrefix),
		}
	}); err != nil {
		return nil, fail(err)
	}
	if err == nil && b.Logging.Value.TargetBucket == "" && placeholder(logging.ResultMetadata) {
		b.Logging = Setting[Logging]{Status: NotImplemented, Reason: "MinIO answers GetBucketLogging with a fixed placeholder and has no per-bucket access logging"}
	}

	pab, err := ep.client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: name}, in)
	if b.PublicAccessBlock, err = settle(err, func() *PublicAccessBlock { return publicAccessBlockOf(pab) }, "NoSuchPublicAccessBlockConfiguration"); err != nil {
		return nil, fail(err)
	}
	return b, nil
}

// tagsOf maps a bucket's tags.
func tagsOf(tags *s3.GetBucketTaggingOutput) map[string]string {
	m := make(map[string]string, len(tags.TagSet))
	for _, t := range tags.TagSet {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// encryptionOf reads a bucket's default encryption rules.
func encryptionOf(enc *s3.GetBucketEncryptionOutput) Encryption {
	var e Encryption
	if enc.ServerSideEncryptionConfiguration == nil {
		return e
	}
	for _, r := range enc.ServerSideEncryptionConfiguration.Rules {
		d := r.ApplyServerSideEncryptionByDefault
		if d == nil {
			continue
		}
		e.Rules = append(e.Rules, EncryptionRule{
			Algorithm: string(d.SSEAlgorithm),
			KMSKeyID:  aws.ToString(d.KMSMasterKeyID),
			BucketKey: aws.ToBool(r.BucketKeyEnabled),
		})
	}
	return e
}

// objectLockOf reads a bucket's object lock and default retention.
func objectLockOf(lock *s3.GetObjectLockConfigurationOutput) ObjectLock {
	c := lock.ObjectLockConfiguration
	if c == nil {
		return ObjectLock{}
	}
	ol := ObjectLock{Enabled: c.ObjectLockEnabled == "Enabled"}
	if c.Rule != nil && c.Rule.DefaultRetention != nil {
		r := c.Rule.DefaultRetention
		ol.Mode = string(r.Mode)
		ol.Days = aws.ToInt32(r.Days)
		ol.Years = aws.ToInt32(r.Years)
	}
	return ol
}

// grantsOf reads a bucket ACL's grants.
func grantsOf(acl *s3.GetBucketAclOutput) []Grant {
	gs := []Grant{}
	for _, g := range acl.Grants {
		if g.Grantee == nil {
			continue
		}
		gs = append(gs, Grant{
			GranteeType: string(g.Grantee.Type),
			URI:         aws.ToString(g.Grantee.URI),
			ID:          aws.ToString(g.Grantee.ID),
			Permission:  string(g.Permission),
		})
	}
	return gs
}

// publicAccessBlockOf reads a bucket's public access block, nil when it has none.
func publicAccessBlockOf(pab *s3.GetPublicAccessBlockOutput) *PublicAccessBlock {
	c := pab.PublicAccessBlockConfiguration
	if c == nil {
		return nil
	}
	return &PublicAccessBlock{
		BlockPublicACLs:       aws.ToBool(c.BlockPublicAcls),
		IgnorePublicACLs:      aws.ToBool(c.IgnorePublicAcls),
		BlockPublicPolicy:     aws.ToBool(c.BlockPublicPolicy),
		RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets),
	}
}

// settle turns the outcome of one Get* call into a setting: Known with the
// value, Known and empty when the error code says the setting is absent,
// or the status and reason of the failure. An endpoint-level failure or a
// cancellation is returned as an error instead.
func settle[T any](err error, value func() T, absent ...string) (Setting[T], error) {
	if err == nil {
		return Setting[T]{Status: Known, Value: value()}, nil
	}
	if slices.Contains(absent, apiCode(err)) {
		return Setting[T]{Status: Known}, nil
	}
	if _, _, ok := endpointFailure(err); ok || errors.Is(err, context.Canceled) {
		return Setting[T]{}, err
	}
	st, why := classify(err)
	return Setting[T]{Status: st, Reason: why}, nil
}

// placeholder reports whether a response came from MinIO, whose
// GetBucketLogging is a stub: it always answers "logging disabled" and
// PutBucketLogging is not implemented, so the answer says nothing about
// the bucket (MinIO logs through its server-wide audit targets instead).
func placeholder(md middleware.Metadata) bool {
	resp, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response)
	return ok && resp != nil && strings.EqualFold(resp.Header.Get("Server"), "MinIO")
}

// bucketRegion maps a GetBucketLocation answer to a region.
func bucketRegion(constraint string) string {
	switch constraint {
	case "":
		return "us-east-1"
	case "EU":
		return "eu-west-1"
	}
	return constraint
}

// globOf returns the glob part of a backup pattern: the value of a tag
// pattern, or the whole name pattern.
func globOf(p string) string {
	if _, v, ok := strings.Cut(p, "="); ok {
		return v
	}
	return p
}

// backupReason says why a bucket counts as holding backups under the
// patterns, or returns "".
func backupReason(name string, tags map[string]string, patterns []string) string {
	for _, p := range patterns {
		key, val, isTag := strings.Cut(p, "=")
		if !isTag {
			if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(name)); ok {
				return fmt.Sprintf("name matches %q", p)
			}
			continue
		}
		keys := make([]string, 0, len(tags))
		for k := range tags {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !strings.EqualFold(k, key) {
				continue
			}
			if ok, _ := path.Match(strings.ToLower(val), strings.ToLower(tags[k])); ok {
				return fmt.Sprintf("tag %s=%s", k, truncate(tags[k], 64))
			}
		}
	}
	return ""
}

// api names one read call and the checks that need its answer.
type api struct {
	name   string
	checks string
	state  func(*Bucket) (Status, string)
}

// apis lists the calls whose failures are reported as skipped entries.
func apis() []api {
	return []api{
		{"GetBucketTagging", "backup tags (FC-S3-004, FC-S3-005 judged by name only)", func(b *Bucket) (Status, string) { return b.Tags.state() }},
		{"GetBucketEncryption", "FC-S3-001", func(b *Bucket) (Status, string) { return b.Encryption.state() }},
		{"GetBucketVersioning", "FC-S3-002, FC-S3-003", func(b *Bucket) (Status, string) { return b.Versioning.state() }},
		{"GetObjectLockConfiguration", "FC-S3-004, FC-S3-005", func(b *Bucket) (Status, string) { return b.ObjectLock.state() }},
		{"GetBucketPolicy", "FC-S3-006", func(b *Bucket) (Status, string) { return b.Policy.state() }},
		{"GetBucketAcl", "FC-S3-007", func(b *Bucket) (Status, string) { return b.ACL.state() }},
		{"GetBucketLogging", "FC-S3-008", func(b *Bucket) (Status, string) { return b.Logging.state() }},
		{"GetPublicAccessBlock", "FC-S3-009", func(b *Bucket) (Status, string) { return b.PublicAccessBlock.state() }},
	}
}

// unread reports what the checks could not judge: one entry per call the
// endpoint does not implement (naming the endpoint), one per bucket and
// call that was denied or failed, and one per bucket policy that does not
// parse.
func (ep *endpoint) unread(buckets []*Bucket) []finding.Skipped {
	var out []finding.Skipped
	for _, a := range apis() {
		var missing []string
		for _, b := range buckets {
			st, why := a.state(b)
			switch st {
			case Known:
			case NotImplemented:
				missing = append(missing, b.Name)
			default:
				if st == Unread {
					why = "not read"
				}
				out = append(out, finding.Skipped{Path: "s3://" + b.Name, Scanner: scannerName,
					Reason: fmt.Sprintf("%s %s: %s; %s not evaluated", a.name, st, why, a.checks)})
			}
		}
		if len(missing) > 0 {
			out = append(out, finding.Skipped{Path: ep.name, Scanner: scannerName,
				Reason: fmt.Sprintf("%s is not implemented by the endpoint; %s not evaluated on %s", a.name, a.checks, bucketList(missing))})
		}
	}
	for _, b := range buckets {
		if !b.Policy.Known() || b.Policy.Value == "" {
			continue
		}
		if _, err := parsePolicy(b.Policy.Value); err != nil {
			out = append(out, finding.Skipped{Path: "s3://" + b.Name, Scanner: scannerName,
				Reason: fmt.Sprintf("bucket policy does not parse: %s; FC-S3-006 not evaluated", oneLine(err.Error()))})
		}
	}
	return out
}

// bucketList names a few buckets and counts the rest.
func bucketList(names []string) string {
	const show = 3
	if len(names) == 1 {
		return fmt.Sprintf("bucket %q", names[0])
	}
	q := make([]string, 0, show)
	for _, n := range names[:min(show, len(names))] {
		q = append(q, fmt.Sprintf("%q", n))
	}
	s := fmt.Sprintf("%d buckets (%s", len(names), strings.Join(q, ", "))
	if len(names) > show {
		s += ", …"
	}
	return s + ")"
}
