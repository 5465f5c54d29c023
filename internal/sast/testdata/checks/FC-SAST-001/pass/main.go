package main

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
)

func main() {
	pool := x509.NewCertPool()
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	_ = &http.Client{Transport: tr}
}
