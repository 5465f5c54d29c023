module example.com/project

go 1.22.1

require (
	golang.org/x/net v0.16.0
	golang.org/x/crypto v0.16.0
	github.com/gorilla/websocket v1.5.0
)

require golang.org/x/text v0.3.5 // indirect
