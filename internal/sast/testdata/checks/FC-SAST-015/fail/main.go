package main

import "net/http"

const inventoryAPI = "http://inventory.shop-partner.com/v1/items"

func main() {
	resp, err := http.Get(inventoryAPI)
	if err == nil {
		resp.Body.Close()
	}
}
