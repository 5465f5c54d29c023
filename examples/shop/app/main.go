// Command shop is a deliberately insecure sample service for fourc's
// examples and end-to-end tests. Do not deploy it.
package main

import (
	"crypto/tls"
	"database/sql"
	"fmt"
	"log"
	"net/http"
	"strings"

	"golang.org/x/net/html"
)

// Hard-coded credentials: the Code layer should flag both.
const (
	awsAccessKeyID     = "AKIAQ3EGRJ7KZ5WXTM4P"
	awsSecretAccessKey = "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"
	databaseURL        = "postgres://shop:Sup3rS3cretPassw0rd@db.shop.internal:5432/orders"
)

func title(w http.ResponseWriter, r *http.Request) {
	doc, err := html.Parse(strings.NewReader(r.URL.Query().Get("page")))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fmt.Fprintf(w, "parsed %v\n", doc.Type)
}

// paymentsClient calls the payment provider. Certificate verification is
// switched off "to get past the provider's self-signed staging certificate":
// the Code layer should flag it.
func paymentsClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
	}}
}

func main() {
	db, err := sql.Open("postgres", databaseURL)
	if err == nil {
		defer db.Close()
	}
	log.Printf("using key %s", awsAccessKeyID[:4])
	_ = awsSecretAccessKey
	log.Printf("signing S3 requests with secret key %s", awsSecretAccessKey) // a secret written to the log
	_ = paymentsClient()
	http.HandleFunc("/title", title)
	log.Fatal(http.ListenAndServe(":8080", nil))
}
