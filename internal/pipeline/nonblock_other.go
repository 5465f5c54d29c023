//go:build !unix

package pipeline

const nonBlock = 0
