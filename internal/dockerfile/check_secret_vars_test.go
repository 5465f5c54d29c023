package dockerfile

import (
	"strings"
	"testing"
)

func TestSecretVars(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"ENV DB_PASSWORD=hunter2", true},
		{"ENV MYSQL_ROOT_PASSWORD=\"correct horse\"", true},
		{"ENV API_KEY=abc123def", true},
		{"ENV apiKey=abc123def", true},
		{"ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI", true},
		{"ENV GITHUB_TOKEN=ghp_x", true},
		{"ENV PRIVATE_KEY=-----BEGIN", true},
		{"ARG SMTP_PASS=letmein", true},
		{"ENV PASSWORD=${PASSWORD:-changeme}", true},
		{"ENV TOKEN=$TOKEN", false},
		{"ENV DB_PASSWORD=", false},
		{"ARG DB_PASSWORD", false},
		{"ENV DB_PASSWORD_FILE=/run/secrets/db", false},
		{"ENV TOKEN_URL=https://auth.example.com/token", false},
		{"ENV AWS_ACCESS_KEY_ID=AKIAEXAMPLE", false},
		{"ENV SECRET_ENABLED=true", false},
		{"ENV PASSWORD_MIN_LENGTH=12", false},
		{"ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D", false},
		{"ENV PASSENGER_VERSION=6.0", false},
	}
	for _, tt := range tests {
		f := mustParse(t, "FROM alpine:3.20\n"+tt.line+"\n")
		vs := checkSecretVars().Eval(f)
		if got := len(vs) > 0; got != tt.want {
			t.Errorf("%s: fired=%v, want %v (%v)", tt.line, got, tt.want, vs)
		}
		for _, v := range vs {
			_, value, _ := strings.Cut(tt.line, "=")
			if value != "" && strings.Contains(v.Message, strings.Trim(value, `"`)) {
				t.Errorf("%s: message %q prints the value", tt.line, v.Message)
			}
		}
	}
}
