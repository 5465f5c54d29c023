package iac

import (
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	cref "cel.dev/cel-go/common/types/ref"
)

// secretLib adds the helpers for secrets written into service settings
// whose names and values sit in separate fields (name/value blocks):
//
//	secretName(s)          s is a string that names a credential (password,
//	                       secret, token, api key, private key, …)
//	secretPair(name, v)    name names a credential and v is a literal,
//	                       non-empty string that is not a reference (an ARN,
//	                       {{resolve:…}}, ssm:…); unknown when either is
type secretLib struct{}

func (secretLib) CompileOptions() []cel.EnvOption {
	return []cel.EnvOption{
		unary("secretName", celSecretName),
		binary("secretPair", secretPair),
	}
}

func (secretLib) ProgramOptions() []cel.ProgramOption { return nil }

func celSecretName(v cref.Val) cref.Val {
	if types.IsUnknown(v) {
		return v
	}
	s, ok := v.(types.String)
	return types.Bool(ok && secretName.MatchString(string(s)))
}

func secretPair(name, value cref.Val) cref.Val {
	if n := celSecretName(name); n != types.True {
		return n
	}
	if types.IsUnknown(value) {
		return value
	}
	s, ok := value.(types.String)
	return types.Bool(ok && strings.TrimSpace(string(s)) != "" && !placeholder(string(s)))
}
