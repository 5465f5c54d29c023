package main

import (
	"archive/zip"
	"fmt"
)

func list(r *zip.Reader) {
	for _, f := range r.File {
		fmt.Println(f.Name)
	}
}

func main() { _ = list }
