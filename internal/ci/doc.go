// Package ci tests the files that run fourc in other tools' pipelines: the
// GitHub Action (action.yml) and the pre-commit hooks
// (.pre-commit-hooks.yaml) at the repository root. It has no code of its
// own.
package ci
