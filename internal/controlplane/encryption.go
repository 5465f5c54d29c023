package controlplane

import (
	"errors"
	"fmt"
	"strings"
)

// EncryptionConfig is the part of an apiserver.config.k8s.io
// EncryptionConfiguration the checks read: for each group of resources,
// its providers in order (the first encrypts every write).
type EncryptionConfig struct {
	Path      string
	Resources []EncryptionResources
}

// EncryptionResources is one entry of the configuration's resources list.
type EncryptionResources struct {
	// Resources are the resource names it covers: "secrets",
	// "configmaps", "*.apps", "*." (core group) or "*.*" (everything).
	Resources []string
	Providers []EncryptionProvider
	Line      int
}

// EncryptionProvider is one provider of an entry.
type EncryptionProvider struct {
	// Name is identity, aescbc, aesgcm, secretbox or kms.
	Name string
	// APIVersion is the KMS plugin API version, "v1" or "v2" (kms only;
	// unset means v1).
	APIVersion string
	Line       int
}

// Label renders the provider as the storage prefix names it: "kms v2",
// "secretbox".
func (p EncryptionProvider) Label() string {
	if p.Name == "kms" {
		v := p.APIVersion
		if v == "" {
			v = "v1"
		}
		return "kms " + v
	}
	return p.Name
}

var providerNames = []string{"identity", "aescbc", "aesgcm", "secretbox", "kms"}

func encryptionFromDoc(d *Doc) (*EncryptionConfig, error) {
	if d == nil || d.Root == nil {
		return nil, errors.New("no encryption configuration")
	}
	if k := d.Root.get("kind").str(); k != "EncryptionConfiguration" && k != "EncryptionConfig" {
		return nil, fmt.Errorf("encryption configuration %q: kind %q, want EncryptionConfiguration", d.Path, k)
	}
	cfg := &EncryptionConfig{Path: d.Path}
	for _, entry := range d.Root.get("resources").items() {
		er := EncryptionResources{Line: entry.line()}
		for _, r := range entry.get("resources").items() {
			er.Resources = append(er.Resources, r.str())
		}
		for _, p := range entry.get("providers").items() {
			for _, name := range providerNames {
				if v := p.get(name); v != nil {
					ep := EncryptionProvider{Name: name, Line: p.keyLine(name)}
					if name == "kms" {
						ep.APIVersion = v.get("apiVersion").str()
					}
					er.Providers = append(er.Providers, ep)
				}
			}
		}
		cfg.Resources = append(cfg.Resources, er)
	}
	return cfg, nil
}

// For returns the entry that governs a resource ("secrets",
// "deployments.apps"), as the API server picks it: the first entry naming
// the resource, its group wildcard or "*.*".
func (e *EncryptionConfig) For(resource string) (EncryptionResources, bool) {
	group := ""
	if _, g, ok := strings.Cut(resource, "."); ok {
		group = g
	}
	for _, er := range e.Resources {
		for _, r := range er.Resources {
			if r == resource || r == "*.*" || r == "*."+group {
				return er, true
			}
		}
	}
	return EncryptionResources{}, false
}
