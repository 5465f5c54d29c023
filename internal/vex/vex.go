// Package vex reads Vulnerability Exploitability eXchange documents — OpenVEX
// (github.com/openvex/go-vex) and CycloneDX VEX (cyclonedx-go) — and answers
// one question: what does the document say about a vulnerability in a
// package? Findings with a not_affected or fixed statement are suppressed,
// carrying the statement's justification.
package vex

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	govex "github.com/openvex/go-vex/pkg/vex"
)

// maxDocSize caps a VEX document.
const maxDocSize = 64 << 20

// Status is a VEX status, in OpenVEX's words.
type Status string

// Statuses.
const (
	StatusNotAffected        Status = "not_affected"
	StatusAffected           Status = "affected"
	StatusFixed              Status = "fixed"
	StatusUnderInvestigation Status = "under_investigation"
)

// Suppresses reports whether a finding with this status should be hidden.
func (s Status) Suppresses() bool { return s == StatusNotAffected || s == StatusFixed }

// Statements is the merged content of one or more VEX documents.
type Statements struct {
	stmts []statement
}

// statement is one VEX statement, whatever the format it came from.
type statement struct {
	vuln          govex.Vulnerability
	products      []govex.Product
	status        Status
	justification string
	when          time.Time
	order         int
	source        string
}

// Load reads VEX documents (OpenVEX JSON or CycloneDX JSON with a
// vulnerabilities list) and merges their statements. Later statements win
// over earlier ones for the same vulnerability and package, by timestamp
// and then by order.
func Load(paths ...string) (*Statements, error) {
	s := &Statements{}
	for _, p := range paths {
		data, err := readBounded(p)
		if err != nil {
			return nil, err
		}
		if err := s.add(data, p); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func readBounded(p string) ([]byte, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("reading VEX document %q: %w", p, err)
	}
	if st.Size() > maxDocSize {
		return nil, fmt.Errorf("reading VEX document %q: %d bytes, over the %d limit", p, st.Size(), maxDocSize)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("reading VEX document %q: %w", p, err)
	}
	return data, nil
}

func (s *Statements) add(data []byte, name string) error {
	var probe struct {
		Context   string `json:"@context"`
		BOMFormat string `json:"bomFormat"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return fmt.Errorf("reading VEX document %q: %w", name, err)
	}
	switch {
	case strings.Contains(probe.Context, "openvex"):
		return s.addOpenVEX(data, name)
	case probe.BOMFormat == "CycloneDX":
		return s.addCycloneDX(data, name)
	}
	return fmt.Errorf("reading VEX document %q: %w", name, errors.New("neither OpenVEX (@context) nor CycloneDX (bomFormat)"))
}

func (s *Statements) addOpenVEX(data []byte, name string) error {
	doc, err := govex.Parse(data)
	if err != nil {
		return fmt.Errorf("reading OpenVEX document %q: %w", name, err)
	}
	var docTime time.Time
	if doc.Timestamp != nil {
		docTime = *doc.Timestamp
	}
	for i := range doc.Statements {
		st := doc.Statements[i]
		if err := st.Validate(); err != nil {
			return fmt.Errorf("reading OpenVEX document %q: statement %d: %w", name, i+1, err)
		}
		when := docTime
		if st.Timestamp != nil {
			when = *st.Timestamp
		}
		just := string(st.Justification)
		if st.ImpactStatement != "" {
			just = joinNonEmpty(just, st.ImpactStatement)
		}
		if st.Status == govex.StatusFixed {
			just = joinNonEmpty("fixed", st.StatusNotes)
		}
		s.stmts = append(s.stmts, statement{
			vuln: st.Vulnerability, products: st.Products, status: Status(st.Status),
			justification: just, when: when, order: len(s.stmts), source: name,
		})
	}
	return nil
}

func (s *Statements) addCycloneDX(data []byte, name string) error {
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		return fmt.Errorf("reading CycloneDX VEX document %q: %w", name, err)
	}
	// Affects refer to components by bom-ref; resolve them to PURLs.
	purls := map[string]string{}
	var walk func([]cdx.Component)
	walk = func(cs []cdx.Component) {
		for _, c := range cs {
			if c.BOMRef != "" && c.PackageURL != "" {
				purls[c.BOMRef] = c.PackageURL
			}
			if c.Components != nil {
				walk(*c.Components)
			}
		}
	}
	if bom.Metadata != nil && bom.Metadata.Component != nil {
		walk([]cdx.Component{*bom.Metadata.Component})
	}
	if bom.Components != nil {
		walk(*bom.Components)
	}
	if bom.Vulnerabilities == nil {
		return nil
	}
	for _, v := range *bom.Vulnerabilities {
		if v.Analysis == nil || v.Affects == nil || v.ID == "" {
			continue
		}
		status, ok := cdxStatus(v.Analysis.State)
		if !ok {
			continue
		}
		var products []govex.Product
		for _, a := range *v.Affects {
			ref := a.Ref
			if p, ok := purls[ref]; ok {
				ref = p
			} else if _, frag, found := strings.Cut(ref, "#"); found && purls[frag] != "" {
				ref = purls[frag] // urn:cdx:serial/version#bom-ref
			}
			products = append(products, govex.Product{Component: govex.Component{ID: ref}})
		}
		vuln := govex.Vulnerability{Name: govex.VulnerabilityID(v.ID)}
		if v.References != nil {
			for _, r := range *v.References {
				vuln.Aliases = append(vuln.Aliases, govex.VulnerabilityID(r.ID))
			}
		}
		when, _ := time.Parse(time.RFC3339, v.Analysis.LastUpdated)
		just := joinNonEmpty(string(v.Analysis.Justification), v.Analysis.Detail)
		if status == StatusFixed {
			just = joinNonEmpty("fixed", v.Analysis.Detail)
		}
		s.stmts = append(s.stmts, statement{
			vuln: vuln, products: products, status: status, justification: just,
			when: when, order: len(s.stmts), source: name,
		})
	}
	return nil
}

// cdxStatus maps a CycloneDX analysis state to a VEX status.
func cdxStatus(s cdx.ImpactAnalysisState) (Status, bool) {
	switch s {
	case cdx.IASNotAffected, cdx.IASFalsePositive:
		return StatusNotAffected, true
	case cdx.IASResolved, cdx.IASResolvedWithPedigree:
		return StatusFixed, true
	case cdx.IASExploitable:
		return StatusAffected, true
	case cdx.IASInTriage:
		return StatusUnderInvestigation, true
	}
	return "", false
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + ": " + b
}

// Len is the number of statements.
func (s *Statements) Len() int {
	if s == nil {
		return 0
	}
	return len(s.stmts)
}

// Applies returns the status and justification of the latest statement about
// vulnID for the package purl (a statement's product or subcomponent PURL
// without a version matches every version; qualifiers it names must match).
// ok is false when no statement applies.
func (s *Statements) Applies(vulnID, purl string) (status Status, justification string, ok bool) {
	if s == nil {
		return "", "", false
	}
	var best *statement
	for i := range s.stmts {
		st := &s.stmts[i]
		if !st.vuln.Matches(vulnID) || !st.matchesProduct(purl) {
			continue
		}
		if best == nil || st.when.After(best.when) || (st.when.Equal(best.when) && st.order > best.order) {
			best = st
		}
	}
	if best == nil {
		return "", "", false
	}
	return best.status, best.justification, true
}

func (st *statement) matchesProduct(purl string) bool {
	for i := range st.products {
		p := &st.products[i]
		if p.Component.Matches(purl) {
			return true
		}
		for j := range p.Subcomponents {
			if p.Subcomponents[j].Component.Matches(purl) {
				return true
			}
		}
	}
	return false
}
