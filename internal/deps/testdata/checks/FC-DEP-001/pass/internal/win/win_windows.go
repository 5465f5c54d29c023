//go:build windows && !arm64

package win

import _ "github.com/example/onwindows"
