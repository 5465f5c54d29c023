module example.com/goapp

go 1.21.0

require (
	golang.org/x/net v0.16.0
	github.com/gorilla/websocket v1.5.0
)

require golang.org/x/text v0.13.0 // indirect
