package main

import (
	"crypto/tls"
	"net/http"
)

func main() {
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}
	_ = &http.Client{Transport: tr}
}
