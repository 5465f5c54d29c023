package reach

import (
	"bytes"
	"os"
	"strconv"
)

// groupRSS is the resident memory, in bytes, of every process in the
// process group pgid: the child and the go commands it runs.
func groupRSS(pgid int) int64 {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	page := int64(os.Getpagesize())
	var total int64
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// Fields after the command name, which is in parentheses and may
		// hold spaces: state ppid pgrp … rss is field 24 of the line.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := bytes.Fields(b[i+1:])
		if len(f) < 22 {
			continue
		}
		if pg, _ := strconv.Atoi(string(f[2])); pg != pgid {
			continue
		}
		rss, _ := strconv.ParseInt(string(f[21]), 10, 64)
		total += rss * page
	}
	return total
}
