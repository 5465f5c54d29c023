package main

import (
	"context"
	"fmt"
	"os"

	"github.com/google/go-github/v66/github"
)

const releaseToken = "ghp_TTRb6mro8pGb6tcJFVfTAfYZhbdWgyUwUJUt"

func main() {
	client := github.NewClient(nil).WithAuthToken(releaseToken)
	_, _, err := client.Repositories.CreateRelease(context.Background(), "shop", "api", &github.RepositoryRelease{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
