package iac

import (
	"testing"

	"cel.dev/cel-go/common/types"
)

func TestSecretHelpers(t *testing.T) {
	env, err := ruleEnv()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		expr string
		want bool
	}{
		{`secretName("DB_PASSWORD")`, true},
		{`secretName("/app/api-key")`, true},
		{`secretName("SECRET_ID")`, false},
		{`secretName("DB_PASSWORD_ARN")`, false},
		{`secretName("LOG_LEVEL")`, false},
		{`secretName("secrets.backend")`, false},
		{`secretName(3)`, false},
		{`secretPair("NPM_TOKEN", "npm_abcdef")`, true},
		{`secretPair("NPM_TOKEN", "")`, false},
		{`secretPair("NPM_TOKEN", "arn:aws:secretsmanager:eu-west-1:1:secret:x")`, false},
		{`secretPair("PASSWORD", "{{resolve:secretsmanager:x}}")`, false},
		{`secretPair("DATABASE_URL", "postgres://u:Pa55@db:5432/x")`, true},
		{`secretPair("DATABASE_URL", "postgres://db:5432/x")`, false},
		{`secretPair("CONFIG", "AKIAABCDEFGHIJKLMNOP")`, true},
		{`secretPair("NODE_ENV", "production")`, false},
	} {
		prg, err := compileCondition(env, c.expr)
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		v, _, err := prg.Eval(map[string]any{"r": missing{}})
		if err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		if got := v == types.True; got != c.want {
			t.Errorf("%s = %v, want %v", c.expr, v, c.want)
		}
	}
	// An unknown value never decides.
	if v := secretPair(types.String("PASSWORD"), unknownVal()); !types.IsUnknown(v) {
		t.Errorf("secretPair(name, unknown) = %v, want unknown", v)
	}
	if v := celSecretName(unknownVal()); !types.IsUnknown(v) {
		t.Errorf("secretName(unknown) = %v, want unknown", v)
	}
}
