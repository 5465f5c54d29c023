package dockerfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary bytes to Parse and, when they parse, to every
// check: nothing may panic, and every finding must point into the file.
func FuzzParse(f *testing.F) {
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f.Add(data)
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("FROM a\nRUN <<EOF\n<<X bash\nX\nEOF\n"))
	f.Add([]byte("# escape=`\nFROM a\nRUN echo `\n  hi\n"))
	f.Add([]byte("FROM a\nONBUILD RUN curl x | sh\nSHELL [\"sh\"]\nRUN sh -c 'sh -c \"sh -c \\\"curl|sh\\\"\"'\n"))
	s := NewScanner(Options{AllowedRegistries: []string{"docker.io"}})
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		defer func() {
			// Linear work should take microseconds; seconds mean a blow-up.
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("Parse and checks took %v on %d bytes", d, len(data))
			}
		}()
		file, err := Parse("Dockerfile", data)
		if err != nil {
			return
		}
		if len(file.Stages) == 0 {
			t.Fatal("parsed a file without stages")
		}
		last := 0
		for _, st := range file.Stages {
			last = max(last, st.From.EndLine)
			for _, in := range st.Instructions {
				last = max(last, in.EndLine)
			}
		}
		for _, fd := range s.Check(file) {
			if fd.Location.StartLine < 1 || fd.Location.StartLine > last {
				t.Errorf("%s: line %d outside the file (1-%d)", fd.CheckID, fd.Location.StartLine, last)
			}
		}
	})
}
