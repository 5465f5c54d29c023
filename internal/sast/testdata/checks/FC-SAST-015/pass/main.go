package main

import "net/http"

// See http://www.w3.org/TR/xmlschema-1/ for the schema.
const (
	inventoryAPI = "https://inventory.shop-partner.com/v1/items"
	health       = "http://127.0.0.1:8080/healthz"
	sidecar      = "http://localhost:15000/ready"
	namespace    = "http://www.w3.org/2001/XMLSchema-instance"
	service      = "http://orders:8080/v1"
	docs         = "http://docs.example.com/api"
)

func main() {
	for _, u := range []string{inventoryAPI, health, sidecar, namespace, service, docs} {
		resp, err := http.Get(u)
		if err == nil {
			resp.Body.Close()
		}
	}
}
