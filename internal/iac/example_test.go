package iac_test

import (
	"context"
	"fmt"
	"os"

	"github.com/fourc-dev/fourc/internal/iac"
)

func ExampleLoadModule() {
	m, skipped := iac.LoadModule(context.Background(), os.DirFS("testdata/golden/platform"), ".")
	fmt.Println("skipped:", len(skipped))
	for _, b := range m.AWS.S3Buckets {
		fmt.Printf("%s %q encrypted=%v (%s:%d)\n", b.Address, b.Name.Val, b.Encryption.Val, b.Range.Path, b.Range.StartLine)
	}
	for _, c := range m.Calls {
		fmt.Printf("%s from %s loaded=%v\n", c.Address, c.Source, c.Dir != "")
	}
	// Output:
	// skipped: 0
	// aws_s3_bucket.this["backups"] "acme-prod-backups" encrypted=false (main.tf:15)
	// aws_s3_bucket.this["logs"] "acme-prod-logs" encrypted=true (main.tf:15)
	// module.cluster from ./modules/cluster loaded=true
	// module.vpc from terraform-aws-modules/vpc/aws loaded=true
}
