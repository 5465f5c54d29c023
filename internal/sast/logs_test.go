package sast

import (
	"go/parser"
	"go/token"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
)

func TestSensitiveName(t *testing.T) {
	for name, want := range map[string]bool{
		"password":           true,
		"dbPassword":         true,
		"DB_PASSWORD":        true,
		"apiKey":             true,
		"APIKey":             true,
		"api_key":            true,
		"awsSecretAccessKey": true,
		"clientSecret":       true,
		"refreshToken":       true,
		"x-auth-token":       true,
		"credentials":        true,
		"privateKey":         true,
		"passwordFile":       false,
		"tokenURL":           false,
		"secretName":         false,
		"apiKeyID":           false,
		"awsAccessKeyID":     false,
		"hasToken":           false,
		"tokenTTL":           false,
		"nextPageToken":      false,
		"maxTokens":          false,
		"user":               false,
		"key":                false,
		"cacheKey":           false,
		"tokenizer":          false,
		"":                   false,
	} {
		if _, got := sensitiveName(name); got != want {
			t.Errorf("sensitiveName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestGoLogCalls(t *testing.T) {
	const src = `package p

import (
	"fmt"
	"log"
	"log/slog"
	"os"

	"go.uber.org/zap"
	"github.com/sirupsen/logrus"
	zlog "github.com/rs/zerolog/log"
)

func f(cfg config, logger *zap.Logger, password, user string, m map[string]string) {
	log.Printf("login %s", password)
	fmt.Println("user", user, "token", cfg.Token)
	fmt.Fprintf(os.Stderr, "secret=%s\n", cfg.value)
	fmt.Fprintf(w, "%s", password)
	slog.Info("auth", slog.String("apiKey", cfg.key))
	logger.Info("auth", zap.String("password", user))
	logrus.WithFields(logrus.Fields{"credentials": cfg.creds}).Info("x")
	zlog.Info().Str("token", user).Msg("ok")
	log.Println(len(password), password[:2], redact(password))
	log.Println(m["password"])
	s.log.Debugf("%v", *cfg.Secret)
	errors.New(password)
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	type call struct {
		Func  string
		Line  int
		Names []string
	}
	var got []call
	for _, c := range goLogCalls(fset, f) {
		var names []string
		for _, v := range c.Values {
			if _, ok := sensitiveName(v.Name); ok {
				names = append(names, v.Name)
			}
		}
		if len(names) > 0 {
			got = append(got, call{c.Func, c.Line, names})
		}
	}
	want := []call{
		{"log.Printf", 15, []string{"password"}},
		{"fmt.Println", 16, []string{"token", "Token"}},
		{"fmt.Fprintf", 17, []string{"secret"}},
		{"slog.Info", 19, []string{"apiKey"}},
		{"logger.Info", 20, []string{"password"}},
		{"logrus.WithFields", 21, []string{"credentials", "creds"}},
		{"zlog.Info().Str", 22, []string{"token"}},
		{"log.Println", 24, []string{"password"}},
		{"s.log.Debugf", 25, []string{"Secret"}},
	}
	if diff := gocmp.Diff(want, got); diff != "" {
		t.Errorf("logging calls with secrets (-want +got):\n%s", diff)
	}
}
