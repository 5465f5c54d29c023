package dockerfile

import "testing"

func TestParseMode(t *testing.T) {
	tests := []struct {
		mode string
		want modeBits
	}{
		{"777", modeBits{worldWritable: true}},
		{"0777", modeBits{worldWritable: true}},
		{"1777", modeBits{worldWritable: true, sticky: true}},
		{"666", modeBits{worldWritable: true}},
		{"755", modeBits{}},
		{"0644", modeBits{}},
		{"4755", modeBits{setuid: true}},
		{"2775", modeBits{setgid: true}},
		{"6755", modeBits{setuid: true, setgid: true}},
		{"a+rwx", modeBits{worldWritable: true}},
		{"ugo=rwx", modeBits{worldWritable: true}},
		{"o+w", modeBits{worldWritable: true}},
		{"a+rwx,o-w", modeBits{}},
		{"o=rw,o=r", modeBits{}},
		{"a+rwxt", modeBits{worldWritable: true, sticky: true}},
		{"+w", modeBits{}},
		{"u+x,g+w", modeBits{}},
		{"u+s", modeBits{setuid: true}},
		{"g+s", modeBits{setgid: true}},
		{"+s", modeBits{setuid: true, setgid: true}},
		{"a-s", modeBits{}},
		{"u=rwx,g=rx,o=", modeBits{}},
		{"9999", modeBits{}},
		{"", modeBits{}},
	}
	for _, tt := range tests {
		if got := parseMode(tt.mode); got != tt.want {
			t.Errorf("parseMode(%q) = %+v, want %+v", tt.mode, got, tt.want)
		}
	}
}
