package main

import (
	"fmt"
	"os"
)

func main() {
	apiToken := os.Getenv("API_TOKEN")
	fmt.Println(len(apiToken))
}
