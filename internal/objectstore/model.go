package objectstore

// Status says what the read-only API call behind one bucket setting told.
// Checks judge a setting only when its status is [Known]; every other
// status means "unknown" and never produces a finding.
type Status string

// The statuses of a setting.
const (
	// Unread is the zero value: the setting was not read.
	Unread Status = ""
	// Known means the call answered; the setting's value is the truth
	// (which includes "not configured").
	Known Status = "known"
	// NotImplemented means the endpoint does not implement the call
	// (MinIO and GetPublicAccessBlock, for example).
	NotImplemented Status = "not-implemented"
	// Denied means the credentials may not make the call.
	Denied Status = "denied"
	// Failed means the call failed for another reason.
	Failed Status = "failed"
)

// Setting is one bucket setting as a read-only API call returned it.
type Setting[T any] struct {
	Status Status `json:"status,omitempty"`
	// Value is the setting; meaningful only when Status is Known.
	Value T `json:"value,omitzero"`
	// Reason says why the setting is not known: the API's error code and
	// message.
	Reason string `json:"reason,omitempty"`
}

// Known reports whether the setting was read successfully.
func (s Setting[T]) Known() bool { return s.Status == Known }

// state returns the status and reason, for reporting settings that could
// not be read.
func (s Setting[T]) state() (Status, string) { return s.Status, s.Reason }

// Bucket is everything the checks inspect about one bucket, filled by
// read-only API calls (List*, Get*).
type Bucket struct {
	// Name is the bucket's name.
	Name string `json:"name"`
	// Region is the region the bucket was read in.
	Region string `json:"region,omitempty"`
	// Backup says why the bucket counts as holding backups, e.g.
	// `name matches "*backup*"` or `tag backup=true`; empty when it does not.
	Backup string `json:"backup,omitempty"`
	// Tags are the bucket's tags (GetBucketTagging); empty when it has none.
	Tags Setting[map[string]string] `json:"tags"`
	// Encryption is the default encryption (GetBucketEncryption).
	Encryption Setting[Encryption] `json:"encryption"`
	// Versioning is the versioning state (GetBucketVersioning).
	Versioning Setting[Versioning] `json:"versioning"`
	// ObjectLock is the object lock configuration
	// (GetObjectLockConfiguration).
	ObjectLock Setting[ObjectLock] `json:"object_lock"`
	// Policy is the bucket policy document as JSON (GetBucketPolicy); empty
	// when the bucket has none.
	Policy Setting[string] `json:"policy"`
	// ACL is the bucket's access control list (GetBucketAcl).
	ACL Setting[[]Grant] `json:"acl"`
	// Logging is the server access logging configuration
	// (GetBucketLogging).
	Logging Setting[Logging] `json:"logging"`
	// PublicAccessBlock is the bucket's public access block
	// (GetPublicAccessBlock); nil when none is configured.
	PublicAccessBlock Setting[*PublicAccessBlock] `json:"public_access_block"`
}

// Encryption is a bucket's default encryption configuration.
type Encryption struct {
	// Rules are the configured rules; none means no default encryption.
	Rules []EncryptionRule `json:"rules,omitempty"`
}

// EncryptionRule is one default encryption rule.
type EncryptionRule struct {
	// Algorithm is "AES256", "aws:kms" or "aws:kms:dsse".
	Algorithm string `json:"algorithm"`
	// KMSKeyID is the KMS key for aws:kms, if one is named.
	KMSKeyID string `json:"kms_key_id,omitempty"`
	// BucketKey reports whether an S3 Bucket Key is used.
	BucketKey bool `json:"bucket_key,omitempty"`
}

// Versioning is a bucket's versioning state.
type Versioning struct {
	// Status is "Enabled", "Suspended" or empty (never enabled).
	Status string `json:"status,omitempty"`
	// MFADelete is "Enabled", "Disabled" or empty when the endpoint does
	// not report it (S3 reports it only once it was ever configured).
	MFADelete string `json:"mfa_delete,omitempty"`
}

// ObjectLock is a bucket's object lock configuration.
type ObjectLock struct {
	// Enabled reports whether object lock is enabled on the bucket.
	Enabled bool `json:"enabled,omitempty"`
	// Mode is the default retention mode, "GOVERNANCE" or "COMPLIANCE";
	// empty when there is no default retention.
	Mode string `json:"mode,omitempty"`
	// Days and Years are the default retention period (one of them is set).
	Days  int32 `json:"days,omitempty"`
	Years int32 `json:"years,omitempty"`
}

// Grant is one entry of an access control list.
type Grant struct {
	// GranteeType is "CanonicalUser", "AmazonCustomerByEmail" or "Group".
	GranteeType string `json:"grantee_type"`
	// URI names a group grantee, e.g.
	// "http://acs.amazonaws.com/groups/global/AllUsers".
	URI string `json:"uri,omitempty"`
	// ID names a canonical user grantee.
	ID string `json:"id,omitempty"`
	// Permission is "FULL_CONTROL", "READ", "WRITE", "READ_ACP" or "WRITE_ACP".
	Permission string `json:"permission"`
}

// Logging is a bucket's server access logging configuration.
type Logging struct {
	// TargetBucket receives the access logs; empty when logging is off.
	TargetBucket string `json:"target_bucket,omitempty"`
	TargetPrefix string `json:"target_prefix,omitempty"`
}

// PublicAccessBlock is a bucket's public access block configuration.
type PublicAccessBlock struct {
	BlockPublicACLs       bool `json:"block_public_acls"`
	IgnorePublicACLs      bool `json:"ignore_public_acls"`
	BlockPublicPolicy     bool `json:"block_public_policy"`
	RestrictPublicBuckets bool `json:"restrict_public_buckets"`
}
