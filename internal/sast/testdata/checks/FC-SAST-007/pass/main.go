package main

import (
	"database/sql"
	"os"
)

func main() {
	db, err := sql.Open("postgres", os.Getenv("DATABASE_URL"))
	if err != nil {
		return
	}
	rows, err := db.Query("SELECT * FROM orders WHERE customer = $1", os.Args[1])
	if err == nil {
		rows.Close()
	}
}
