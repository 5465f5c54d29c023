// Package objectstore audits the buckets of a live S3-compatible endpoint
// (AWS S3, MinIO, Ceph RGW, …) in the Cloud layer: default encryption,
// versioning and MFA delete, object lock and retention of backup buckets,
// public bucket policies and ACLs, access logging and public access blocks.
//
// It makes read-only calls only (List*, Get*, Head*; a middleware refuses
// any other operation) and fills a typed [Bucket] model whose settings each
// record whether the endpoint answered. Checks are pure functions of that
// model and never fire on a setting that is unknown: an API the endpoint
// does not implement (MinIO has no GetPublicAccessBlock) becomes a skipped
// entry that says so, not a finding.
package objectstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"

	"github.com/fourc-dev/fourc/internal/finding"
)

// scannerName names this source in Skipped entries.
const scannerName = "objectstore"

// ResourceKind is the finding resource kind of a bucket.
const ResourceKind = "s3-bucket"

// DefaultRegion is the region used when neither the options nor the AWS
// configuration name one.
const DefaultRegion = "us-east-1"

// concurrency is how many buckets are read at once.
const concurrency = 4

// Options say which endpoint to audit and how.
type Options struct {
	// Endpoint is the S3-compatible endpoint's URL, e.g.
	// "https://minio.example.com:9000"; empty means AWS S3 itself. A
	// custom endpoint is addressed path-style. Without a scheme, https is
	// assumed (http when Insecure is set).
	Endpoint string
	// Region signs requests; empty means the AWS configuration's region
	// (AWS_REGION, the profile), then DefaultRegion.
	Region string
	// Profile is the shared config/credentials profile; empty means the
	// default chain (AWS_PROFILE, environment keys, default profile).
	Profile string
	// Buckets limits the audit to these buckets; empty means every bucket
	// the credentials can list.
	Buckets []string
	// BackupPatterns say which buckets hold backups: a pattern with "="
	// matches a tag (KEY=VALUE, the value a glob, both case-insensitive),
	// any other one the bucket name (a glob, case-insensitive). Empty
	// means DefaultBackupPatterns().
	BackupPatterns []string
	// Insecure allows a plain-HTTP endpoint (for local test servers).
	// Certificates are always verified; AWS_CA_BUNDLE adds a private CA.
	Insecure bool
	// Logger receives the AWS SDK's own messages (such as "falling back
	// to IMDSv1") at debug level; nil drops them.
	Logger *slog.Logger
}

// DefaultBackupPatterns returns the backup patterns used when Options
// gives none: names containing "backup" and the tag backup=true.
func DefaultBackupPatterns() []string { return []string{"*backup*", "backup=true"} }

// Scan audits the buckets of one endpoint. It returns the findings of
// every check on every bucket (sorted), skipped entries for settings the
// endpoint did not answer and buckets it could not read, and an
// *EndpointError when the endpoint cannot be audited at all: unreachable,
// credentials missing or rejected, or bucket listing denied.
func Scan(ctx context.Context, opts Options) ([]finding.Finding, []finding.Skipped, error) {
	ep, err := newEndpoint(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	buckets, skipped, err := ep.buckets(ctx, opts.Buckets)
	if err != nil {
		return nil, nil, err
	}
	read, gone, err := ep.readAll(ctx, buckets)
	if err != nil {
		return nil, nil, err
	}
	skipped = append(skipped, gone...)
	cs := checks()
	var fs []finding.Finding
	for _, b := range read {
		fs = append(fs, evaluate(cs, b)...)
	}
	skipped = append(skipped, ep.unread(read)...)
	finding.Sort(fs)
	slices.SortFunc(skipped, func(a, b finding.Skipped) int {
		return strings.Compare(a.Path+"\x00"+a.Reason, b.Path+"\x00"+b.Reason)
	})
	return fs, skipped, nil
}

// endpoint is a configured client for one endpoint.
type endpoint struct {
	client   *s3.Client
	name     string // for messages
	aws      bool   // AWS S3 itself, not a custom endpoint
	region   string
	patterns []string
}

// newEndpoint validates the options, loads the AWS configuration and
// makes sure credentials can be had.
func newEndpoint(ctx context.Context, opts Options) (*endpoint, error) {
	ep := &endpoint{name: opts.Endpoint, aws: opts.Endpoint == "", patterns: opts.BackupPatterns}
	fail := func(kind ErrorKind, err error) error {
		return &EndpointError{Endpoint: ep.name, Kind: kind, Detail: oneLine(err.Error()), Err: err}
	}
	if len(ep.patterns) == 0 {
		ep.patterns = DefaultBackupPatterns()
	}
	for _, p := range ep.patterns {
		if _, err := path.Match(globOf(p), ""); err != nil || strings.TrimSpace(p) == "" {
			return nil, fail(ErrConfig, fmt.Errorf("backup pattern %q is not a valid glob", p))
		}
	}
	base, err := endpointURL(opts.Endpoint, opts.Insecure)
	if err != nil {
		return nil, fail(ErrConfig, err)
	}
	if !ep.aws {
		ep.name = base
	}

	load := []func(*config.LoadOptions) error{
		config.WithHTTPClient(sdkHTTPClient(ctx)),
		config.WithRetryer(retryer),
		config.WithLogger(sdkLogger(opts.Logger)),
	}
	if opts.Region != "" {
		load = append(load, config.WithRegion(opts.Region))
	}
	if opts.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(opts.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fail(ErrConfig, fmt.Errorf("loading AWS configuration: %w", err))
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	ep.region = cfg.Region
	if ep.aws {
		ep.name = "AWS S3 (" + cfg.Region + ")"
	}
	if cfg.Credentials == nil {
		return nil, fail(ErrCredentials, errors.New("no credentials provider configured"))
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if kind, detail, ok := boundFailure(err); ok {
			return nil, &EndpointError{Endpoint: ep.name, Kind: kind, Detail: "credentials: " + detail, Err: err}
		}
		return nil, &EndpointError{Endpoint: ep.name, Kind: ErrCredentials,
			Detail: "no usable credentials: " + oneLine(strings.TrimPrefix(err.Error(), "failed to refresh cached credentials, ")), Err: err}
	}
	cfg.HTTPClient = boundedHTTPClient(withS3Limits(ctx), cfg.HTTPClient)
	ep.client = s3.NewFromConfig(cfg, func(o *s3.Options) {
		if !ep.aws {
			o.BaseEndpoint = aws.String(base)
			o.UsePathStyle = true
		}
		o.APIOptions = append(o.APIOptions, readOnly)
	})
	return ep, nil
}

// endpointURL normalises a custom endpoint: a scheme is added when missing,
// and plain HTTP needs insecure.
func endpointURL(raw string, insecure bool) (string, error) {
	if raw == "" {
		return "", nil
	}
	if !strings.Contains(raw, "://") {
		scheme := "https://"
		if insecure {
			scheme = "http://"
		}
		raw = scheme + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("parsing endpoint %q: %w", raw, err)
	}
	switch {
	case u.Host == "":
		return "", fmt.Errorf("endpoint %q has no host", raw)
	case u.Scheme == "http" && !insecure:
		return "", fmt.Errorf("endpoint %q uses plain HTTP: add --insecure to allow it", raw)
	case u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("endpoint %q: scheme must be http or https", raw)
	case u.User != nil:
		return "", fmt.Errorf("endpoint %q must not carry credentials; use the AWS credential chain", u.Redacted())
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// readOnly adds a middleware that refuses every operation but List*, Get*
// and Head*, so no code path can change a bucket.
func readOnly(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("FourcReadOnly",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			op := awsmiddleware.GetOperationName(ctx)
			if !isReadOnly(op) {
				return middleware.InitializeOutput{}, middleware.Metadata{}, fmt.Errorf("operation %q refused: the audit makes read-only calls only", op)
			}
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
}

// isReadOnly reports whether an S3 operation name only reads.
func isReadOnly(op string) bool {
	for _, p := range []string{"List", "Get", "Head"} {
		if strings.HasPrefix(op, p) {
			return true
		}
	}
	return false
}

// listed is a bucket to read and the region it lives in ("" = unknown).
type listed struct {
	name, region string
}

// buckets lists the endpoint's buckets, or checks the named ones against
// the list.
func (ep *endpoint) buckets(ctx context.Context, names []string) ([]listed, []finding.Skipped, error) {
	var all []listed
	var token *string
	for {
		out, err := ep.client.ListBuckets(ctx, &s3.ListBucketsInput{ContinuationToken: token})
		if err != nil && ctx.Err() != nil {
			return nil, nil, fmt.Errorf("listing the buckets of %s: %w", ep.name, context.Cause(ctx))
		}
		if err != nil {
			if kind, detail, ok := endpointFailure(err); ok {
				return nil, nil, &EndpointError{Endpoint: ep.name, Kind: kind, Detail: detail, Err: err}
			}
			if len(names) > 0 {
				// The credentials may read the named buckets without
				// being allowed to list them all.
				out := make([]listed, 0, len(names))
				for _, n := range names {
					out = append(out, listed{name: n})
				}
				return out, nil, nil
			}
			kind := ErrResponse
			if st, _ := classify(err); st == Denied {
				kind = ErrAccessDenied
			}
			return nil, nil, &EndpointError{Endpoint: ep.name, Kind: kind, Detail: "listing buckets: " + describe(err), Err: err}
		}
		for _, b := range out.Buckets {
			all = append(all, listed{name: aws.ToString(b.Name), region: aws.ToString(b.BucketRegion)})
		}
		token = out.ContinuationToken
		if aws.ToString(token) == "" {
			break
		}
	}
	if len(names) == 0 {
		return all, nil, nil
	}
	var keep []listed
	var skipped []finding.Skipped
	for _, n := range names {
		i := slices.IndexFunc(all, func(l listed) bool { return l.name == n })
		if i < 0 {
			skipped = append(skipped, finding.Skipped{Path: "s3://" + n, Scanner: scannerName,
				Reason: fmt.Sprintf("bucket %q is not among the buckets the endpoint %s lists", n, ep.name)})
			continue
		}
		keep = append(keep, all[i])
	}
	return keep, skipped, nil
}

// readAll reads every bucket, a few at a time. A bucket that vanished
// between listing and reading is skipped; an endpoint-level failure stops
// the scan.
func (ep *endpoint) readAll(ctx context.Context, ls []listed) ([]*Bucket, []finding.Skipped, error) {
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	read := make([]*Bucket, len(ls))
	errs := make([]error, len(ls))
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for i, l := range ls {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-sem }()
			read[i], errs[i] = ep.read(ctx, l)
			if errs[i] != nil && !errors.Is(errs[i], errNoSuchBucket) {
				cancel()
			}
		})
	}
	wg.Wait()
	if err := parent.Err(); err != nil {
		return nil, nil, fmt.Errorf("reading buckets of %s: %w", ep.name, err)
	}
	// Report the failure that stopped the scan, not the cancellations it
	// caused.
	for _, err := range errs {
		if err != nil && !errors.Is(err, errNoSuchBucket) && !errors.Is(err, context.Canceled) {
			return nil, nil, err
		}
	}
	var out []*Bucket
	var skipped []finding.Skipped
	for i, b := range read {
		if errors.Is(errs[i], errNoSuchBucket) {
			skipped = append(skipped, finding.Skipped{Path: "s3://" + ls[i].name, Scanner: scannerName,
				Reason: fmt.Sprintf("bucket %q does not exist at %s", ls[i].name, ep.name)})
			continue
		}
		out = append(out, b)
	}
	return out, skipped, nil
}
