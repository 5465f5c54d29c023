// Command reach serves HTTP/2 through golang.org/x/net/http2, whose
// Server.ServeConn is vulnerable to GO-2023-2102 before v0.17.0.
package main

import (
	"net"

	"golang.org/x/net/http2"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	c, err := ln.Accept()
	if err != nil {
		panic(err)
	}
	(&http2.Server{}).ServeConn(c, &http2.ServeConnOpts{})
}
