module example.com/shop

go 1.24

require (
	github.com/google/uuid v1.6.0
	golang.org/x/net v0.17.0
	golang.org/x/tools v0.20.0
	golang.org/x/text v0.14.0 // indirect
	github.com/example/gen v1.0.0
	github.com/example/onwindows v1.0.0
)

tool golang.org/x/tools/cmd/stringer
