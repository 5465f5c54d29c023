package main

import (
	"log"
	"log/slog"
	"os"
)

type config struct{ DBPassword string }

func main() {
	cfg := config{DBPassword: os.Getenv("DB_PASSWORD")}
	log.Printf("connecting with %s", cfg.DBPassword)
	slog.Info("login", "token", os.Getenv("TOKEN"))
}
