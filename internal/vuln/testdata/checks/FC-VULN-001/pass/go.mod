module example.com/pass

require golang.org/x/net v0.62.0
