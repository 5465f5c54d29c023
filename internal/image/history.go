package image

import (
	"fmt"
	"os"
	"strings"

	"github.com/fourc-dev/fourc/internal/dockerfile"
	"github.com/fourc-dev/fourc/internal/finding"
)

// linkDockerfile reads the Dockerfile the image was built from and names,
// for each layer, the instruction that made it (Layer.Instruction). The
// history's last layer-making entries are matched, newest first, against
// the final stage's RUN, COPY and ADD instructions; when all of them match,
// the layers below come from the base image and point at FROM. Matching
// stops at the first disagreement, so layers below an instruction that
// does not match stay unlinked rather than linked to the wrong lines.
func linkDockerfile(layers []Layer, path string) []finding.Skipped {
	data, err := os.ReadFile(path)
	if err != nil {
		return []finding.Skipped{{Path: path, Scanner: scannerName, Reason: "reading Dockerfile: " + oneLine(err)}}
	}
	f, err := dockerfile.Parse(path, data)
	if err != nil {
		return []finding.Skipped{{Path: path, Scanner: scannerName, Reason: oneLine(err)}}
	}
	final := f.Final()
	var ins []*dockerfile.Instruction
	for _, in := range final.Instructions {
		switch in.Keyword {
		case "RUN", "COPY", "ADD":
			ins = append(ins, in)
		}
	}
	i, j := len(layers)-1, len(ins)-1
	for ; i >= 0 && j >= 0; i, j = i-1, j-1 {
		if !sameStep(cleanCreatedBy(layers[i].CreatedBy), ins[j]) {
			return nil
		}
		layers[i].Instruction = fmt.Sprintf("%s:%d", path, ins[j].StartLine)
	}
	if j >= 0 {
		return nil
	}
	for ; i >= 0; i-- {
		layers[i].Instruction = fmt.Sprintf("%s:%d (base image %s)", path, final.From.StartLine, final.Base.Ref)
	}
	return nil
}

// sameStep reports whether a history entry was made by an instruction:
// the same keyword and, for RUN, the same command.
func sameStep(createdBy string, in *dockerfile.Instruction) bool {
	kw, rest, _ := strings.Cut(createdBy, " ")
	if !strings.EqualFold(kw, in.Keyword) {
		return false
	}
	if in.Keyword != "RUN" {
		return true
	}
	want := strings.Join(strings.Fields(strings.TrimPrefix(strings.TrimSpace(in.Source), in.Keyword)), " ")
	got := strings.Join(strings.Fields(rest), " ")
	want = strings.ReplaceAll(strings.ReplaceAll(want, "\\ ", ""), "\\", "")
	got = strings.ReplaceAll(strings.ReplaceAll(got, "\\ ", ""), "\\", "")
	return want != "" && (got == want || strings.Contains(got, want) || strings.Contains(want, got))
}
