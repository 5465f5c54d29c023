package objectstore

// Inspects Bucket.ObjectLock.Enabled (GetObjectLockConfiguration) of
// buckets that hold backups (Bucket.Backup set from name patterns or
// tags). Allowed: object lock enabled. Unknown when the call was not
// answered.

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

func checkBackupObjectLock() check.Check[*Bucket] {
	return check.Check[*Bucket]{
		Meta: cloud("FC-S3-004", "Backup bucket has no object lock", finding.SeverityMedium,
			"Backups that can be deleted or overwritten by whoever holds write access are lost in a ransomware attack or an account compromise; object lock makes them immutable for the retention period.",
			"Create the backup bucket with object lock enabled (it can only be turned on at creation on most endpoints) and set a default retention.",
			ref("NIST SP 800-209 (storage infrastructure security)", ""), fsbp("S3.15"), cwe(693)),
		Eval: func(b *Bucket) []check.Violation {
			if b.Backup == "" || !b.ObjectLock.Known() || b.ObjectLock.Value.Enabled {
				return nil
			}
			return violation("backup S3 bucket %q (%s) does not enable object lock", b.Name, b.Backup)
		},
	}
}
