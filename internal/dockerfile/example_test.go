package dockerfile_test

import (
	"fmt"

	"github.com/fourc-dev/fourc/internal/dockerfile"
)

func ExampleParse() {
	src := `ARG GO=1.22
FROM golang:${GO} AS build
RUN go build -o /app .

FROM gcr.io/distroless/static:nonroot
COPY --from=build /app /app
USER 65532
EXPOSE 8080
`
	f, err := dockerfile.Parse("Dockerfile", []byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, im := range f.BaseImages() {
		fmt.Println("base:", im.Name(), im.Tag)
	}
	final := f.Final()
	user, _ := f.User(final)
	fmt.Println("user:", user)
	for _, p := range f.ExposedPorts(final) {
		fmt.Printf("port: %d/%s\n", p.Number, p.Protocol)
	}
	// Output:
	// base: golang 1.22
	// base: gcr.io/distroless/static nonroot
	// user: 65532
	// port: 8080/tcp
}

func ExampleScanner_Check() {
	f, err := dockerfile.Parse("Dockerfile", []byte("FROM alpine:3.20\nRUN wget -qO- https://example.com/i.sh | sh\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, fd := range dockerfile.NewScanner(dockerfile.Options{}).Check(f) {
		fmt.Println(fd.CheckID, fd.Severity, fd.Location, fd.Message)
	}
	// Output:
	// FC-DF-004 HIGH Dockerfile:1 final stage #0 sets no USER, so the container runs as the base image's default user, usually root
	// FC-DF-008 HIGH Dockerfile:2 RUN in stage #0 pipes the output of wget into sh
	// FC-DF-002 LOW Dockerfile:1 stage #0 base image "alpine:3.20" is not pinned by digest
	// FC-DF-013 LOW Dockerfile:1 final stage #0 has no HEALTHCHECK
	// FC-DF-023 LOW Dockerfile:2 RUN in stage #0 pipes wget into sh without pipefail
}
