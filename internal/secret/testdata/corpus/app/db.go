package app

import (
	"database/sql"
	"fmt"
	"os"
)

// Open connects using credentials from the environment.
func Open() (*sql.DB, error) {
	password := os.Getenv("DB_PASSWORD")
	token := tokenFromFile("/run/secrets/api-token")
	dsn := fmt.Sprintf("postgres://app:%s@db:5432/app", password)
	_ = token
	return sql.Open("pgx", dsn)
}

func tokenFromFile(path string) string {
	secretBytes, _ := os.ReadFile(path)
	return string(secretBytes)
}

const tokenHeader = "X-Api-Token"
const passwordMinLength = 12
