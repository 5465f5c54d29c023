module example.com/fail

require golang.org/x/net v0.16.0
