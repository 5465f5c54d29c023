package main

import (
	"log"
	"log/slog"
	"os"
)

func main() {
	password := os.Getenv("DB_PASSWORD")
	log.Printf("password set: %t (%d characters)", password != "", len(password))
	passwordFile := "/run/secrets/db"
	slog.Info("reading credentials", "file", passwordFile)
	nextPageToken := os.Getenv("PAGE")
	log.Println("next page", nextPageToken)
}
