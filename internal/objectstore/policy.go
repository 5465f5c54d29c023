package objectstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// maxPolicySize bounds the policy documents parsePolicy accepts. S3 limits
// bucket policies to 20 KB; other endpoints may allow more.
const maxPolicySize = 1 << 20

// Policy is the part of an IAM-style bucket policy the checks read.
type Policy struct {
	Version    string      `json:"Version"`
	Statements []Statement `json:"-"`
}

// Statement is one statement of a bucket policy.
type Statement struct {
	Sid    string `json:"Sid"`
	Effect string `json:"Effect"`
	// Principal and NotPrincipal name who the statement is about; at most
	// one of them is set.
	Principal    *Principal `json:"Principal"`
	NotPrincipal *Principal `json:"NotPrincipal"`
	Action       stringList `json:"Action"`
	NotAction    stringList `json:"NotAction"`
	Resource     stringList `json:"Resource"`
	NotResource  stringList `json:"NotResource"`
	// Condition maps an operator to its keys and values; only whether it
	// is empty matters to the checks.
	Condition map[string]json.RawMessage `json:"Condition"`
}

// Principal is a policy principal: "*" or a map of kinds ("AWS",
// "Service", "Federated", "CanonicalUser") to one or more values.
type Principal struct {
	// Wildcard is set for the bare string "*".
	Wildcard bool
	// Values are the principals by kind.
	Values map[string]stringList
}

// Everyone reports whether the principal matches any caller: "*",
// {"AWS": "*"} or a list holding "*".
func (p *Principal) Everyone() bool {
	if p == nil {
		return false
	}
	if p.Wildcard {
		return true
	}
	for kind, vs := range p.Values {
		if kind != "AWS" && kind != "CanonicalUser" {
			continue
		}
		for _, v := range vs {
			if v == "*" {
				return true
			}
		}
	}
	return false
}

// UnmarshalJSON accepts "*" or an object of strings or string lists.
func (p *Principal) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if s != "*" {
			return fmt.Errorf("principal %q: a principal string must be \"*\"", truncate(s, 40))
		}
		*p = Principal{Wildcard: true}
		return nil
	}
	var m map[string]stringList
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("principal: want \"*\" or an object: %w", err)
	}
	*p = Principal{Values: m}
	return nil
}

// stringList is a policy field that holds one string or a list of them.
type stringList []string

// UnmarshalJSON accepts a string or an array of strings.
func (l *stringList) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*l = nil
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*l = stringList{s}
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return errors.New("want a string or an array of strings")
	}
	*l = ss
	return nil
}

// parsePolicy parses a bucket policy document. The Statement field may be
// one statement or a list of them.
func parsePolicy(doc string) (*Policy, error) {
	if len(doc) > maxPolicySize {
		return nil, fmt.Errorf("policy of %d bytes is larger than the %d bytes allowed", len(doc), maxPolicySize)
	}
	var raw struct {
		Version   string          `json:"Version"`
		Statement json.RawMessage `json:"Statement"`
	}
	dec := json.NewDecoder(strings.NewReader(doc))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("policy is not a JSON object: %w", err)
	}
	if dec.More() {
		return nil, errors.New("policy has data after its JSON object")
	}
	p := &Policy{Version: raw.Version}
	st := bytes.TrimSpace(raw.Statement)
	switch {
	case len(st) == 0 || bytes.Equal(st, []byte("null")):
		return nil, errors.New("policy has no Statement")
	case st[0] == '{':
		var s Statement
		if err := json.Unmarshal(st, &s); err != nil {
			return nil, fmt.Errorf("policy statement: %w", err)
		}
		p.Statements = []Statement{s}
	default:
		if err := json.Unmarshal(st, &p.Statements); err != nil {
			return nil, fmt.Errorf("policy statements: %w", err)
		}
	}
	return p, nil
}

// publicGrant describes a statement that allows everyone without a
// condition, or is empty when it does not.
func (s Statement) publicGrant() string {
	if !strings.EqualFold(s.Effect, "Allow") || len(s.Condition) > 0 {
		return ""
	}
	var who string
	switch {
	case s.Principal.Everyone():
		who = `everyone (Principal "*")`
	case s.NotPrincipal != nil:
		who = "everyone but the NotPrincipal list"
	default:
		return ""
	}
	what := "every action"
	switch {
	case len(s.NotAction) > 0:
		what = "every action but " + strings.Join(s.NotAction, ", ")
	case len(s.Action) > 0:
		what = strings.Join(s.Action, ", ")
	}
	return who + " to " + what
}

// truncate shortens s to at most n bytes for messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
