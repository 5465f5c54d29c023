package main

import "crypto/des"

func main() {
	block, err := des.NewCipher([]byte("12345678"))
	_, _ = block, err
}
