module example.com/shop

go 1.22

require github.com/google/go-cmp v0.7.0
