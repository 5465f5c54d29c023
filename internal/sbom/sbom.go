// Package sbom writes and reads software bills of materials: CycloneDX 1.6
// JSON (github.com/CycloneDX/cyclonedx-go) and SPDX 2.3 JSON
// (github.com/spdx/tools-golang). Reading accepts fourc's own SBOMs and
// other tools' (syft, trivy), and yields packages the vulnerability matcher
// takes.
package sbom

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx"
	spdxcommon "github.com/spdx/tools-golang/spdx/v2/common"

	"github.com/fourc-dev/fourc/internal/inventory"
)

// Format is an SBOM format.
type Format string

// Formats.
const (
	CycloneDX Format = "cyclonedx"
	SPDX      Format = "spdx"
)

// Meta describes the SBOM's subject and producer.
type Meta struct {
	// Name is what was inventoried: a directory or image reference.
	Name string
	// Tool and ToolVersion name the producer ("fourc", "v0.1.0").
	Tool, ToolVersion string
	// Created is the document's timestamp (injected for reproducible
	// output).
	Created time.Time
}

// Property names fourc adds to CycloneDX components.
const (
	propLocation     = "fourc:location"
	propEcosystem    = "fourc:ecosystem"
	propRelationship = "fourc:relationship"
)

// Write renders pkgs in the given format ("cyclonedx" or "spdx").
func Write(w io.Writer, format Format, pkgs []inventory.Package, m Meta) error {
	switch format {
	case CycloneDX:
		return WriteCycloneDX(w, pkgs, m)
	case SPDX:
		return WriteSPDX(w, pkgs, m)
	}
	return fmt.Errorf("unknown SBOM format %q (want cyclonedx or spdx)", format)
}

// entry is one distinct package with every place it was declared.
type entry struct {
	pkg       inventory.Package
	locations []string
}

// group merges packages declared in several files into one entry each,
// in a stable order.
func group(pkgs []inventory.Package) []entry {
	byKey := map[string]int{}
	var out []entry
	for _, p := range pkgs {
		k := p.PURL
		if k == "" {
			k = p.Ecosystem + "\x00" + p.Name + "\x00" + p.Version
		}
		i, ok := byKey[k]
		if !ok {
			i = len(out)
			byKey[k] = i
			out = append(out, entry{pkg: p})
		}
		if p.Relationship == inventory.RelationshipDirect {
			out[i].pkg.Relationship = inventory.RelationshipDirect
		}
		loc := p.Location.Path
		if p.Location.Line > 0 {
			loc += ":" + strconv.Itoa(p.Location.Line)
		}
		if loc != "" && !slices.Contains(out[i].locations, loc) {
			out[i].locations = append(out[i].locations, loc)
		}
	}
	slices.SortFunc(out, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.pkg.Ecosystem, b.pkg.Ecosystem), cmp.Compare(a.pkg.Name, b.pkg.Name), cmp.Compare(a.pkg.Version, b.pkg.Version))
	})
	return out
}

func toolName(m Meta) string { return cmp.Or(m.Tool, "fourc") }

// WriteCycloneDX renders pkgs as a CycloneDX 1.6 JSON BOM.
func WriteCycloneDX(w io.Writer, pkgs []inventory.Package, m Meta) error {
	bom := cdx.NewBOM()
	bom.SerialNumber = "urn:uuid:" + uuidFrom(m, pkgs)
	root := cdx.Component{BOMRef: "root", Type: cdx.ComponentTypeApplication, Name: cmp.Or(m.Name, "unknown")}
	bom.Metadata = &cdx.Metadata{
		Timestamp: m.Created.UTC().Format(time.RFC3339),
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Name: toolName(m), Version: m.ToolVersion,
		}}},
		Component: &root,
	}
	comps := []cdx.Component{}
	var direct []string
	for i, e := range group(pkgs) {
		ref := e.pkg.PURL
		if ref == "" {
			ref = "pkg-" + strconv.Itoa(i+1)
		}
		c := cdx.Component{BOMRef: ref, Type: cdx.ComponentTypeLibrary, Name: e.pkg.Name, Version: e.pkg.Version, PackageURL: e.pkg.PURL}
		props := []cdx.Property{{Name: propEcosystem, Value: e.pkg.Ecosystem}}
		for _, l := range e.locations {
			props = append(props, cdx.Property{Name: propLocation, Value: l})
		}
		if e.pkg.Relationship != "" {
			props = append(props, cdx.Property{Name: propRelationship, Value: string(e.pkg.Relationship)})
			if e.pkg.Relationship == inventory.RelationshipDirect {
				direct = append(direct, ref)
			}
		}
		c.Properties = &props
		comps = append(comps, c)
	}
	bom.Components = &comps
	bom.Dependencies = &[]cdx.Dependency{{Ref: root.BOMRef, Dependencies: &direct}}
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return fmt.Errorf("writing CycloneDX SBOM: %w", err)
	}
	return nil
}

// WriteSPDX renders pkgs as an SPDX 2.3 JSON document.
func WriteSPDX(w io.Writer, pkgs []inventory.Package, m Meta) error {
	name := cmp.Or(m.Name, "unknown")
	rootID := spdxcommon.ElementID("Root")
	doc := &spdx.Document{
		SPDXVersion:       spdx.Version,
		DataLicense:       spdx.DataLicense,
		SPDXIdentifier:    "DOCUMENT",
		DocumentName:      name,
		DocumentNamespace: "https://fourc.dev/spdxdocs/" + uuidFrom(m, pkgs),
		CreationInfo: &spdx.CreationInfo{
			Creators: []spdxcommon.Creator{{CreatorType: "Tool", Creator: strings.TrimSuffix(toolName(m)+"-"+m.ToolVersion, "-")}},
			Created:  m.Created.UTC().Format(time.RFC3339),
		},
	}
	doc.Packages = append(doc.Packages, &spdx.Package{
		PackageName: name, PackageSPDXIdentifier: rootID, PackageDownloadLocation: "NOASSERTION",
		PrimaryPackagePurpose: "SOURCE",
	})
	doc.Relationships = append(doc.Relationships, &spdx.Relationship{
		RefA: spdxcommon.MakeDocElementID("", "DOCUMENT"), RefB: spdxcommon.MakeDocElementID("", string(rootID)), Relationship: "DESCRIBES",
	})
	for i, e := range group(pkgs) {
		id := spdxcommon.ElementID("Package-" + strconv.Itoa(i+1))
		p := &spdx.Package{
			PackageName: e.pkg.Name, PackageSPDXIdentifier: id, PackageVersion: e.pkg.Version,
			PackageDownloadLocation: "NOASSERTION", PrimaryPackagePurpose: "LIBRARY",
		}
		if len(e.locations) > 0 {
			p.PackageSourceInfo = "declared in " + strings.Join(e.locations, ", ")
		}
		if e.pkg.PURL != "" {
			p.PackageExternalReferences = []*spdx.PackageExternalReference{{Category: spdxcommon.CategoryPackageManager, RefType: spdxcommon.TypePackageManagerPURL, Locator: e.pkg.PURL}}
		}
		doc.Packages = append(doc.Packages, p)
		rel := "CONTAINS"
		if e.pkg.Relationship == inventory.RelationshipDirect {
			rel = "DEPENDS_ON"
		}
		doc.Relationships = append(doc.Relationships, &spdx.Relationship{
			RefA: spdxcommon.MakeDocElementID("", string(rootID)), RefB: spdxcommon.MakeDocElementID("", string(id)), Relationship: rel,
		})
	}
	if err := spdxjson.Write(doc, w, spdxjson.Indent("  ")); err != nil {
		return fmt.Errorf("writing SPDX SBOM: %w", err)
	}
	return nil
}

// uuidFrom derives a stable version-4-shaped UUID from the SBOM's content,
// so that the same input gives the same document.
func uuidFrom(m Meta, pkgs []inventory.Package) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", m.Name, m.ToolVersion, m.Created.UTC().Format(time.RFC3339Nano))
	for _, p := range pkgs {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", p.PURL, p.Name, p.Version, p.Location.Path)
	}
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	x := hex.EncodeToString(b)
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

// preferDeclared keeps the SBOM's own spelling of a name when the PURL's
// differs only in case (PURLs lowercase PyPI names).
func preferDeclared(fromPURL, declared string) string {
	if declared != "" && strings.EqualFold(fromPURL, declared) {
		return declared
	}
	return fromPURL
}
