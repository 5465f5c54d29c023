package main

import "fmt"

const apiToken = "f8Hq2ZvL9rXk3TnWc7YpB4mJd6GsQ1aE"

func main() { fmt.Println(len(apiToken)) }
