package secret

import (
	"context"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// TestManifestPass scans a Secret and a ConfigMap manifest: base64 data and
// binaryData values and escaped strings are decoded and reported at their
// key's line; literal values are found by the text pass once.
func TestManifestPass(t *testing.T) {
	data, err := os.ReadFile("testdata/manifest/secrets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewScanner(Options{})
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"k8s/secrets.yaml": {Data: data}, "k8s/secrets.txt": {Data: data}}
	fs, sk := s.Scan(context.Background(), fsys, []string{"k8s/secrets.yaml"})
	if len(sk) > 0 {
		t.Fatalf("skipped: %v", sk)
	}
	type row struct {
		ID   string
		Line int
		In   string
	}
	var got []row
	for _, f := range fs {
		in := ""
		if i := strings.Index(f.Message, "k8s/secrets.yaml"); i >= 0 {
			in = f.Message[i:]
		}
		got = append(got, row{f.CheckID, f.Location.StartLine, in})
		if strings.Contains(f.Message, "AKIAB3RXXHKQLG5HNQ4G") || strings.Contains(f.Message, "ghp_iqi9yuV1Wqnzfufay") {
			t.Errorf("finding shows the secret: %s", f.Message)
		}
	}
	want := []row{
		// The text pass: the literal stringData value and the token inside
		// the escaped string, once each (the same token in the decoded
		// Secret data is reported once, by the text pass's first sight).
		{"FC-SEC-006", 13, "k8s/secrets.yaml"},
		{"FC-SEC-006", 25, "k8s/secrets.yaml"},
		// The manifest pass.
		{"FC-SEC-001", 8, `k8s/secrets.yaml: Secret "shop/ci" data["aws-key-id"] (base64-decoded)`},
		{"FC-SEC-001", 23, `k8s/secrets.yaml: ConfigMap "tools" binaryData["blob"] (base64-decoded)`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}

	// The same bytes in a file that is not YAML or JSON get the text pass only.
	fs, _ = s.Scan(context.Background(), fsys, []string{"k8s/secrets.txt"})
	for _, f := range fs {
		if strings.Contains(f.Message, "decoded") || strings.Contains(f.Message, "unescaped") {
			t.Errorf("manifest pass on a .txt file: %s", f.Message)
		}
	}
}

// FuzzManifestValues checks that the manifest pass survives any input and
// that every value it returns has a line and a name.
func FuzzManifestValues(f *testing.F) {
	if data, err := os.ReadFile("testdata/manifest/secrets.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("kind: Secret\ndata: {a: QUJD}\n"))
	f.Add([]byte(`{"kind":"ConfigMap","binaryData":{"x":"AAEC"},"data":{"y":"a\nb"}}`))
	f.Add([]byte("kind: List\nitems:\n- &a {kind: Secret, data: {k: *a}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, v := range manifestValues(data) {
			if v.Line <= 0 || v.Where == "" || len(v.Data) == 0 {
				t.Fatalf("malformed value %+v", v)
			}
		}
	})
}
