package objectstore

// Inspects Bucket.ObjectLock (GetObjectLockConfiguration) of backup
// buckets that enable object lock: Mode, Days, Years of the default
// retention. Allowed: a mode and a period of at least one day.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkBackupRetention() check.Check[*Bucket] {
	return check.Check[*Bucket]{
		Meta: cloud("FC-S3-005", "Backup bucket has no default object lock retention", finding.SeverityLow,
			"Object lock without a default retention protects only the objects a client locks explicitly; backups written by tools that do not set a retention stay deletable.",
			"Add a default retention rule to the bucket's object lock configuration (COMPLIANCE mode, or GOVERNANCE with tightly held bypass permission), long enough to outlast detection of an attack.",
			ref("NIST SP 800-209 (storage infrastructure security)", ""), cwe(693)),
		Eval: func(b *Bucket) []check.Violation {
			lock := b.ObjectLock.Value
			if b.Backup == "" || !b.ObjectLock.Known() || !lock.Enabled {
				return nil
			}
			if lock.Mode != "" && (lock.Days > 0 || lock.Years > 0) {
				return nil
			}
			return violation("backup S3 bucket %q (%s) enables object lock without a default retention", b.Name, b.Backup)
		},
	}
}
