module example.com/shop

go 1.22

require golang.org/x/net v0.17.0
