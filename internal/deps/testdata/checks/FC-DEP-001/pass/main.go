package main

//go:generate go run github.com/example/gen/cmd/gen -out gen.go

import (
	"fmt"

	"github.com/google/uuid"
	"golang.org/x/net/html"
)

func main() { fmt.Println(uuid.New(), html.CommentNode) }
