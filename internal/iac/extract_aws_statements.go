package iac

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// statementRanger is a node that can say where each statement of a policy
// document attribute is written (HCL sources; plans cannot).
type statementRanger interface {
	statementRanges(name string) []Range
}

// locateStatements moves each statement to the line where it is written
// when the node can tell, and the count matches what was decoded.
func locateStatements(n node, name string, sts []Statement) {
	sr, ok := n.(statementRanger)
	if !ok {
		return
	}
	rs := sr.statementRanges(name)
	if len(rs) != len(sts) {
		return
	}
	for i := range sts {
		sts[i].Range = rs[i]
	}
}

// statementRanges finds the statements of jsonencode({Statement = [...]})
// or of a JSON literal (quoted or heredoc, without interpolation).
func (n *hclNode) statementRanges(name string) []Range {
	e, _, ok := n.expr(name)
	if !ok {
		return nil
	}
	if fc, isCall := e.(*hclsyntax.FunctionCallExpr); isCall && fc.Name == "jsonencode" && len(fc.Args) == 1 {
		obj, ok := fc.Args[0].(*hclsyntax.ObjectConsExpr)
		if !ok {
			return nil
		}
		for _, it := range obj.Items {
			if k, ok := hclKey(it.KeyExpr); !ok || k != "Statement" {
				continue
			}
			if tup, ok := it.ValueExpr.(*hclsyntax.TupleConsExpr); ok {
				var out []Range
				for _, x := range tup.Exprs {
					out = append(out, toRange(x.Range()))
				}
				return out
			}
			return []Range{toRange(it.ValueExpr.Range())}
		}
		return nil
	}
	t, ok := e.(*hclsyntax.TemplateExpr)
	if !ok || len(t.Parts) != 1 {
		return nil
	}
	lit, ok := t.Parts[0].(*hclsyntax.LiteralValueExpr)
	if !ok || !lit.Val.IsKnown() || lit.Val.IsNull() {
		return nil
	}
	s, ok := toString(lit.Val)
	if !ok {
		return nil
	}
	r := toRange(lit.Range())
	var out []Range
	line, last := r.StartLine, 0
	for _, off := range jsonStatementOffsets([]byte(s)) {
		// offsets rise: count the newlines since the previous one only
		line += strings.Count(s[last:off], "\n")
		last = off
		out = append(out, Range{Path: r.Path, StartLine: line, EndLine: line})
	}
	return out
}

// hclKey returns an object key written as a name or a literal string.
func hclKey(e hclsyntax.Expression) (string, bool) {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		e = k.Wrapped
	}
	if tr, ok := e.(*hclsyntax.ScopeTraversalExpr); ok && len(tr.Traversal) == 1 {
		return tr.Traversal.RootName(), true
	}
	if t, ok := e.(*hclsyntax.TemplateExpr); ok && len(t.Parts) == 1 {
		if lit, ok := t.Parts[0].(*hclsyntax.LiteralValueExpr); ok {
			return toString(lit.Val)
		}
	}
	return "", false
}

// jsonStatementOffsets returns the byte offsets of the statements of a
// JSON policy document (one for a single Statement object), nil when it
// cannot be read.
func jsonStatementOffsets(doc []byte) []int {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil
		}
		if key != "Statement" {
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
			continue
		}
		start := valueStart(doc, dec.InputOffset())
		if start < len(doc) && doc[start] == '{' {
			return []int{start}
		}
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			return nil
		}
		var out []int
		for dec.More() {
			out = append(out, valueStart(doc, dec.InputOffset()))
			var skip json.RawMessage
			if dec.Decode(&skip) != nil {
				return nil
			}
		}
		return out
	}
	return nil
}

// valueStart skips the whitespace, colon and comma before a JSON value.
func valueStart(doc []byte, off int64) int {
	i := int(off)
	for i < len(doc) && bytes.IndexByte([]byte(" \t\r\n:,"), doc[i]) >= 0 {
		i++
	}
	return i
}
