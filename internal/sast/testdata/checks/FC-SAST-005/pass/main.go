package main

import (
	"crypto/aes"
	"crypto/cipher"
)

func main() {
	block, err := aes.NewCipher(make([]byte, 32))
	if err != nil {
		return
	}
	_, _ = cipher.NewGCM(block)
}
