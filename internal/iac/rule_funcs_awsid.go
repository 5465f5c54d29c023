package iac

import (
	"regexp"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	cref "cel.dev/cel-go/common/types/ref"
)

// secretLib adds the helpers for secrets written into service settings
// whose names and values sit in separate fields (name/value blocks):
//
//	secretName(s)          s is a string that names a credential (password,
//	                       secret, token, api key, private key, …), not a
//	                       reference to one (SECRET_ID, PASSWORD_ARN, …)
//	secretPair(name, v)    v is a literal, non-empty string that is not a
//	                       reference (an ARN, {{resolve:…}}, ssm:…) and holds a
//	                       secret: name names a credential, or v itself is one
//	                       (a URL with a password, an access key ID, a private
//	                       key, a password=… assignment); unknown when v is
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
	return types.Bool(ok && secretName.MatchString(string(s)) && !referenceName.MatchString(string(s)))
}

// referenceName matches names that point at a secret or configure its
// handling rather than hold one (SECRET_ID, DB_PASSWORD_ARN, TOKEN_PATH,
// secrets.backend, PASSWORD_ROTATION_DAYS).
var referenceName = regexp.MustCompile(`(?i)[_.-](id|arn|name|path|file|ref|version|length|ttl|backend|backend_kwargs|enabled|type|mode|days|rotation|policy|prefix)$`)

// credentialURL matches a URL that carries a password: scheme://user:pass@host.
var credentialURL = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:[^/\s@]+@`)

func secretPair(name, value cref.Val) cref.Val {
	if types.IsUnknown(value) {
		return value
	}
	s, ok := value.(types.String)
	if !ok || strings.TrimSpace(string(s)) == "" || placeholder(string(s)) {
		return types.False
	}
	if credentialURL.MatchString(string(s)) || secretText(s) == types.True {
		return types.True
	}
	return celSecretName(name)
}
