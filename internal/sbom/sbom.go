// Package sbom writes and reads software bills of materials: CycloneDX 1.6
// JSON (github.com/CycloneDX/cyclonedx-go) and SPDX 2.3 JSON
// (github.com/spdx/tools-golang). Reading accepts fourc's own SBOMs and
// other tools' (syft, trivy), and yields packages the vulnerability matcher
// takes.
package sbom

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
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

// MaxSize caps an SBOM read whole.
const MaxSize = 256 << 20

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

// ReadFile reads an SBOM file; see [Read].
func ReadFile(path string) ([]inventory.Package, Format, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, "", fmt.Errorf("reading SBOM %q: %w", path, err)
	}
	if st.Size() > MaxSize {
		return nil, "", fmt.Errorf("reading SBOM %q: %d bytes, over the %d limit", path, st.Size(), MaxSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("reading SBOM %q: %w", path, err)
	}
	return Read(data, path)
}

// Read parses a CycloneDX or SPDX JSON SBOM and returns its packages that
// carry a package URL. name is the SBOM's file name: it becomes each
// package's location and appears in errors.
func Read(data []byte, name string) ([]inventory.Package, Format, error) {
	var probe struct {
		BOMFormat   string `json:"bomFormat"`
		SPDXVersion string `json:"spdxVersion"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, "", fmt.Errorf("reading SBOM %q: %w", name, err)
	}
	switch {
	case probe.BOMFormat == "CycloneDX":
		pkgs, err := readCycloneDX(data, name)
		return pkgs, CycloneDX, err
	case strings.HasPrefix(probe.SPDXVersion, "SPDX-2."):
		pkgs, err := readSPDX(data, name)
		return pkgs, SPDX, err
	}
	return nil, "", fmt.Errorf("reading SBOM %q: %w", name, errors.New("not CycloneDX JSON (bomFormat) nor SPDX 2 JSON (spdxVersion)"))
}

func readCycloneDX(data []byte, name string) ([]inventory.Package, error) {
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		return nil, fmt.Errorf("reading CycloneDX SBOM %q: %w", name, err)
	}
	var out []inventory.Package
	var walk func([]cdx.Component, int)
	walk = func(cs []cdx.Component, depth int) {
		if depth > 64 {
			return
		}
		for _, c := range cs {
			if p, ok := fromPURL(c.PackageURL); ok {
				p.Name = preferDeclared(p.Name, c.Name)
				p.Location = inventory.Location{Path: name}
				p.Source = "sbom"
				if c.Properties != nil {
					for _, prop := range *c.Properties {
						switch prop.Name {
						case propEcosystem:
							if prop.Value != "" {
								p.Ecosystem = prop.Value
							}
						case propRelationship:
							p.Relationship = inventory.Relationship(prop.Value)
						}
					}
				}
				out = append(out, p)
			}
			if c.Components != nil {
				walk(*c.Components, depth+1)
			}
		}
	}
	if bom.Components != nil {
		walk(*bom.Components, 0)
	}
	return out, nil
}

func readSPDX(data []byte, name string) ([]inventory.Package, error) {
	doc, err := spdxjson.Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading SPDX SBOM %q: %w", name, err)
	}
	var out []inventory.Package
	for _, sp := range doc.Packages {
		if sp == nil {
			continue
		}
		for _, ref := range sp.PackageExternalReferences {
			if ref == nil || !strings.EqualFold(ref.RefType, "purl") {
				continue
			}
			if p, ok := fromPURL(ref.Locator); ok {
				p.Name = preferDeclared(p.Name, sp.PackageName)
				p.Location = inventory.Location{Path: name}
				p.Source = "sbom"
				out = append(out, p)
				break
			}
		}
	}
	return out, nil
}

// preferDeclared keeps the SBOM's own spelling of a name when the PURL's
// differs only in case (PURLs lowercase PyPI names).
func preferDeclared(fromPURL, declared string) string {
	if declared != "" && strings.EqualFold(fromPURL, declared) {
		return declared
	}
	return fromPURL
}
