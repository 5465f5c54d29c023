package dockerfile

import "testing"

func TestPipeToShell(t *testing.T) {
	tests := []struct {
		run  string
		want bool
	}{
		{"curl -fsSL https://x | sh", true},
		{"curl -fsSL https://x | sudo -E bash -", true},
		{"wget -qO- https://x | bash -s -- --version 1.2", true},
		{"curl -s https://x | tee /tmp/log | sh", true},
		{"curl -sSL https://x | python3 -", true},
		{"curl -sSL https://x | python3", true},
		{"sh -c \"$(curl -fsSL https://x)\"", true},
		{"bash <(curl -s https://x)", true},
		{"eval \"$(wget -qO- https://x)\"", true},
		{"sh -c 'curl -s https://x | sh'", true},
		{"curl -s https://x | python3 -c 'import sys, json; print(json.load(sys.stdin))'", false},
		{"curl -s https://x | tar xz", false},
		{"curl -o /tmp/i.sh https://x && sh /tmp/i.sh", false},
		{"curl -s https://x | sh -c 'cat > /tmp/x'", false},
		{"echo curl | sh", false},
	}
	for _, tt := range tests {
		f := mustParse(t, "FROM debian:12\nRUN "+tt.run+"\n")
		vs := checkPipeToShell().Eval(f)
		if got := len(vs) > 0; got != tt.want {
			t.Errorf("RUN %s: fired=%v, want %v %v", tt.run, got, tt.want, vs)
		}
	}
}
