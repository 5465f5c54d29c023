package strictyaml

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type allow struct {
	Stopwords []string `yaml:"stopwords"`
}

type rule struct {
	ID        string           `yaml:"id"`
	Entropy   float64          `yaml:"entropy,omitempty"`
	Allowlist allow            `yaml:"allowlist"`
	Tags      map[string]allow `yaml:"tags"`
	Raw       yaml.Node        `yaml:"raw"`
	Inline    `yaml:",inline"`
	Ignored   string            `yaml:"-"`
	Extra     map[string]string `yaml:"extra"`
}

type Inline struct {
	Path string `yaml:"path"`
}

func decode(t *testing.T, src string, v any) error {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	return Decode(&n, v)
}

func TestDecode(t *testing.T) {
	var rs []rule
	src := "- id: A\n  entropy: 3.5\n  path: x\n  allowlist: {stopwords: [a]}\n  tags: {t: {stopwords: [b]}}\n  raw: {anything: goes}\n  extra: {any: key}\n"
	if err := decode(t, src, &rs); err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Entropy != 3.5 || rs[0].Path != "x" || rs[0].Allowlist.Stopwords[0] != "a" || rs[0].Tags["t"].Stopwords[0] != "b" {
		t.Errorf("decoded %+v", rs)
	}
	for src, want := range map[string]string{
		"- id: A\n  entrophy: 3\n":                            `line 2: unknown key "entrophy" (did you mean "entropy"?)`,
		"- id: A\n- id: B\n  allowlist:\n    stopword: [a]\n": `line 4: unknown key "stopword" (did you mean "stopwords"?)`,
		"- id: A\n  tags: {t: {nope: 1}}\n":                   `line 2: unknown key "nope" (known keys: stopwords)`,
		"- id: A\n  Ignored: x\n":                             `line 2: unknown key "Ignored"`,
		"- id: A\n  entropy: high\n":                          `line 2: cannot unmarshal`,
	} {
		var rs []rule
		if err := decode(t, src, &rs); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want %q", src, err, want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("- id: A\n  entropy: 3.5\n  allowlist: {stopwords: [a]}\n")
	f.Add("- &a {id: A}\n- *a\n- {entrophy: 1}\n")
	f.Fuzz(func(t *testing.T, src string) {
		var n yaml.Node
		if yaml.Unmarshal([]byte(src), &n) != nil {
			return
		}
		var rs []rule
		_ = Decode(&n, &rs)
	})
}
