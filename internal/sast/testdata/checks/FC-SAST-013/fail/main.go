package main

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
)

func extract(r *zip.Reader, dest string) error {
	for _, f := range r.File {
		target := filepath.Join(dest, f.Name)
		rc, err := f.Open()
		if err != nil {
			return err
		}
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		_, err = io.CopyN(out, rc, 1<<20)
		rc.Close()
		out.Close()
		if err != nil && err != io.EOF {
			return err
		}
	}
	return nil
}

func main() { _ = extract }
