package secret

import "testing"

// TestGenericSecret pins down what the generic rule reports: one line each,
// true when FC-SEC-020 must fire on it.
func TestGenericSecret(t *testing.T) {
	d, err := NewDetector(Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		line string
		want bool
	}{
		// Values that are secrets, in the syntaxes the rule knows.
		{`password = "hK8#mZ2q!vR9xL4p"`, true},
		{`apiKey := "Zq7Lm2Xc9Vb4Nk8Jh3Gf6Ds1"`, true},
		{`"client_secret": "Yk2Lp9Qz7Wm4Rt1Xv8Bn5Cs3"`, true},
		{`API_TOKEN=Yk2Lp9Qz7Wm4Rt1Xv8Bn5Cs3`, true},
		{`  db_password: 'Tr0ub4dor&3x'`, true},
		{`SECRET_KEY_BASE => "a3f9c2e7b1d4f6a8c0e2b5d7f9a1c3e5"`, true},
		{`ADMIN_PASSWORD=qWxZrTyPlKmNbVcXaSdFgHjK`, true},                 // letters only, but random
		{`VAULT_TOKEN=hvs.CAESIJnVCK8xQ2mLp9Zr7Tb4Wd1`, true},             // dotted, unquoted, random
		{`password: VHIwdWI0ZG9yJjN4UTkh`, true},                          // base64 of a real-looking password
		{`auth_key = "Zq7Lm2Xc9Vb4Nk8Jh3Gf6Ds1" # rotated 2026-01`, true}, // trailing comment
		// Names that describe a secret rather than hold one.
		{`secret_name: payments-secret-v2`, false},
		{`token_url: https://auth.internal/oauth/token`, false},
		{`secretKeyRef: {name: db, key: password}`, false},
		{`password_file = "/run/secrets/db"`, false},
		{`publishable_key = "pk_live_Zq7Lm2Xc9Vb4Nk8Jh3Gf6Ds1"`, false},
		// Code, not values.
		{`password := os.Getenv("DB_PASSWORD")`, false},
		{`if password != "" && token == other {`, false},
		{`source.Secret.Optional = &tc.optional`, false},
		{`credentials.ClientKey = clientCfg.TLSClientConfig.KeyFile`, false},
		{`repeatedStringForSecrets := "[]ObjectReference{"`, false},
		{`SIOCGLIFTOKEN = -0x3f879678`, false},
		{`// groupname:password:GID:user_list`, false},
		{`impersonator.BearerToken = "serviceaccount1"`, false},
		{`CredentialIDKey = "authentication.example.io/credential-id"`, false},
		// Placeholders, weak examples and low-entropy values.
		{`password: changeme`, false},
		{`api_key: ${API_KEY}`, false},
		{`token: "{{ .Values.token }}"`, false},
		{`access_key: <access-key>`, false},
		{`secret = "%s"`, false},
		{`password: "aaaaaaaaaaaa"`, false},
		{`token: "1234567890abcdef"`, false},
		{`password: "password123!"`, false},
		{`token: c2VjcmV0IGlzIHNlY3VyZQ==`, false}, // base64 of "secret is secure"
		{`secretVal = "086a7ffc-0225-11e8-ba89-0ed5f89f718b" // Fake value for testing.`, false},
		{`password: short1`, false},
	}
	for _, tt := range tests {
		got := false
		for _, m := range d.Scan([]byte(tt.line)) {
			got = got || m.RuleID == "FC-SEC-020"
		}
		if got != tt.want {
			t.Errorf("%s: FC-SEC-020 fired = %v, want %v", tt.line, got, tt.want)
		}
	}
}
