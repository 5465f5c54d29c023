//go:build !unix

package cli

const nonBlock = 0
