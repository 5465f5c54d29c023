module example.com/shop

go 1.22

require golang.org/x/net v0.17.0

// github.com/google/uuid is required but never imported: an unneeded
// dependency the Code layer should flag.
require github.com/google/uuid v1.6.0
