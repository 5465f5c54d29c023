package sast

import (
	"go/parser"
	"go/token"
	"testing"
)

// FuzzGoLogCalls feeds arbitrary Go source to the log detector: it must
// never panic, and every call it reports has a line inside the file.
func FuzzGoLogCalls(f *testing.F) {
	f.Add([]byte(insecureClient))
	f.Add([]byte("package p\nimport \"log\"\nfunc f(){ log.Printf(\"token=%s\", t) }\n"))
	f.Add([]byte("package p\nimport l \"github.com/sirupsen/logrus\"\nfunc f(){ l.WithFields(l.Fields{\"password\": p}).Info(x[\"secret\"]) }\n"))
	f.Add([]byte("package p\nfunc f(){ logger.Info().Str(\"k\", v).Str(\"token\", (*t)).Msg(fmt.Sprintf(\"%v\", string(b))) }\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, "f.go", src, parser.SkipObjectResolution)
		if err != nil {
			return
		}
		lines := fset.File(file.Pos()).LineCount()
		for _, c := range goLogCalls(fset, file) {
			if c.Line < 1 || c.Line > lines {
				t.Fatalf("call %s at line %d of %d", c.Func, c.Line, lines)
			}
			for _, v := range c.Values {
				sensitiveName(v.Name)
			}
		}
		for _, u := range goURLs(fset, file) {
			plainHTTPHost(u.URL)
		}
	})
}

// FuzzTextURLs feeds arbitrary bytes to the configuration URL finder and
// the host classifier.
func FuzzTextURLs(f *testing.F) {
	f.Add([]byte("endpoint: http://pay.partner.com/charge\n"))
	f.Add([]byte("a=http://[::1]:80/ b=http://user:pw@10.0.0.1/ c=http://%s/ d=HTTP://X.Y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, u := range textURLs(data) {
			if host, ok := plainHTTPHost(u.URL); ok && host == "" {
				t.Fatalf("%q: endpoint without host", u.URL)
			}
			redactURL(u.URL)
		}
	})
}
