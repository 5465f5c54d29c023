package iac

// Inspects aws_s3_bucket buckets whose name or a tag contains "backup":
// object_lock_enabled, object_lock_configuration.object_lock_enabled and
// aws_s3_bucket_object_lock_configuration. Allowed: object lock enabled.

import (
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// isBackupBucket reports whether a bucket's name, address or a tag says
// it holds backups.
func isBackupBucket(s *S3Bucket) bool {
	if s.Name.Known && strings.Contains(strings.ToLower(s.Name.Val), "backup") {
		return true
	}
	if strings.Contains(strings.ToLower(s.Address), "backup") {
		return true
	}
	for k, v := range s.Tags {
		if strings.Contains(strings.ToLower(k), "backup") || strings.Contains(strings.ToLower(v), "backup") {
			return true
		}
	}
	return false
}

func checkS3BackupObjectLock() check.Check[*S3Bucket] {
	return check.Check[*S3Bucket]{
		Meta: cloud("FC-AWS-005", "Backup bucket has no object lock", finding.SeverityMedium,
			"Backups that can be deleted or overwritten by whoever holds write access are lost in a ransomware attack or an account compromise; object lock makes them immutable for the retention period.",
			"Create the bucket with object_lock_enabled = true and add an aws_s3_bucket_object_lock_configuration with a default retention.",
			ref("NIST SP 800-209 (storage infrastructure security)", ""), cwe(693)),
		Eval: func(s *S3Bucket) []check.Violation {
			if !s.ObjectLock.Is(false) || !isBackupBucket(s) {
				return nil
			}
			return []check.Violation{at(&s.Block, s.ObjectLock.Range, "object_lock_enabled",
				"backup S3 bucket %s does not enable object lock", s.Address)}
		},
	}
}
