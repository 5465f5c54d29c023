// Package iac audits infrastructure as code for the Cloud layer: Terraform
// modules (HCL and JSON syntax, with their local child modules), Terraform
// plan JSON (`terraform show -json`) and, where present, CloudFormation
// templates and Azure Resource Manager JSON templates (arm.go; Bicep is
// not read).
//
// Sources are loaded into typed provider models ([S3Bucket],
// [SecurityGroupRule], [ContainerCluster], [StorageAccount], …) whose every
// attribute keeps the range it came from, so that a finding points at the
// attribute's line, or at the block's first line when the attribute is
// missing and its provider default applies. Values are evaluated as far as
// they can be known offline (variables and their defaults, tfvars, locals,
// count/for_each, string templates, common functions); a value that cannot be
// known stays unknown and no check fires on it.
//
// Untrusted input is bounded by the budgets of limits.From(ctx): files
// nested deeper than the depth budget are refused by an iterative scan
// before a parser sees them; evaluation charges steps for every
// expression, function call and for-expression element, measures the
// values functions, loops and templates build against the collection
// budget before they grow past it, and stops at the per-input deadline or
// when ctx is cancelled. A module tree that exceeds a budget yields one
// skipped entry naming its directory, and no findings. Local modules
// resolve inside the scan root: a symbolic link leading out is refused.
//
// Checks are pure [check.Check] values over those models; [Checks] lists
// their metadata for the catalogue.
//
// # Adding a check
//
//  1. Pick the model it inspects, or add one to model.go with an extractor
//     in extract_aws.go, extract_gcp.go or extract_azure.go (and cfn.go
//     for CloudFormation, arm_extract.go for ARM templates). Extractors
//     read nodes only, so the same code serves HCL, plan JSON and ARM
//     templates; set provider defaults for missing
//     attributes and leave values unknown when they cannot be known.
//  2. Write check_<name>.go: a comment naming the fields and the allowed
//     values, then a function returning check.Check[*Model] with a new,
//     hand-assigned FC-AWS/FC-GCP/FC-AZ ID.
//  3. Add it to newCatalogue in checks.go.
//  4. Add testdata/checks/<ID>/pass/ and testdata/checks/<ID>/fail/; the
//     fixture test fails until both exist and behave.
package iac
