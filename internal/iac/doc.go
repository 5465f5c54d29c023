// Package iac audits infrastructure as code for the Cloud layer: Terraform
// modules (HCL and JSON syntax, with their local child modules), Terraform
// plan JSON (`terraform show -json`) and, where present, CloudFormation
// templates.
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
// Checks are pure [check.Check] values over those models; [Checks] lists
// their metadata for the catalogue.
package iac
