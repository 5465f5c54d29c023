package cli

import (
	"io"
	"os"

	"golang.org/x/term"
)

// terminalWidth is the width of the terminal w writes to; 0 (the table's
// default of 100 columns) when w is not a terminal.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return width
}
