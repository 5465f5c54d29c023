package main

import (
	"context"
	"fmt"
	"os"

	"github.com/google/go-github/v66/github"
)

const releaseToken = "ghp_SFf5koxfUF40PBHKOksQLl7P4tt99goiWaWU"

func main() {
	client := github.NewClient(nil).WithAuthToken(releaseToken)
	_, _, err := client.Repositories.CreateRelease(context.Background(), "shop", "api", &github.RepositoryRelease{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
