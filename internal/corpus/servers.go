package corpus

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// silentServer accepts connections on 127.0.0.1 and never answers.
func silentServer(tb testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(tb, err)
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	tb.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

// httpServer serves h on 127.0.0.1 (plain HTTP, or TLS with a test
// certificate) until the test ends.
func httpServer(tb testing.TB, tls bool, h http.HandlerFunc) string {
	srv := httptest.NewUnstartedServer(h)
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	tb.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv.URL
}

// slow answers every request with headers and then one byte of body
// every 200 ms, for as long as the client listens.
func slow(contentType, first, each string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, first)
		for i := 0; ; i++ {
			if _, err := fmt.Fprint(w, each[i%len(each):i%len(each)+1]); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
}

// endless answers every request with a body that never ends, as fast as
// the client reads.
func endless(contentType, first, each string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, first)
		for {
			if _, err := fmt.Fprint(w, each); err != nil || r.Context().Err() != nil {
				return
			}
		}
	}
}

const (
	s3First = `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>x</ID></Owner><Buckets>`
	s3Each  = `<Bucket><Name>bucket</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate></Bucket>`
	k8sMeta = `{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"` + "127.0.0.1" + `"}],"padding":"`
)

var awsEnv = []string{"AWS_ACCESS_KEY_ID=AKIAFOURCTEST", "AWS_SECRET_ACCESS_KEY=fourc-test-secret", "AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true"}

func kubeconfig(tb testing.TB, dir, server string) {
	write(tb, dir, "kubeconfig", []byte(`apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: `+server+`
    insecure-skip-tls-verify: true
users:
- name: u
  user:
    token: fourc-test
contexts:
- name: c
  context: {cluster: c, user: u}
current-context: c
`))
}

func serverCases() []Case {
	s3 := func(name string, url func(tb testing.TB) string) Case {
		return Case{Name: name, Owner: "objectstore", Write: func(tb testing.TB, dir string) Run {
			return Run{Args: []string{"s3", "--endpoint", url(tb), "--insecure"}, Env: awsEnv}
		}}
	}
	k8s := func(name string, url func(tb testing.TB) string) Case {
		return Case{Name: name, Owner: "cluster", Write: func(tb testing.TB, dir string) Run {
			kubeconfig(tb, dir, url(tb))
			return Run{Args: []string{"k8s", "--kubeconfig", "kubeconfig", "-A"}}
		}}
	}
	probe := func(name string, url func(tb testing.TB) string) Case {
		return Case{Name: name, Owner: "probe", Write: func(tb testing.TB, dir string) Run {
			return Run{Args: []string{"k8s", "probe", "--apiserver", url(tb), "--kubelet", url(tb)}}
		}}
	}
	silent := func(tb testing.TB) string { return "http://" + silentServer(tb) }
	silentTLS := func(tb testing.TB) string { return "https://" + silentServer(tb) }
	return []Case{
		s3("s3-silent", silent),
		s3("s3-slow", func(tb testing.TB) string { return httpServer(tb, false, slow("application/xml", s3First, s3Each)) }),
		s3("s3-endless", func(tb testing.TB) string { return httpServer(tb, false, endless("application/xml", s3First, s3Each)) }),
		k8s("k8s-silent", silentTLS),
		k8s("k8s-slow", func(tb testing.TB) string { return httpServer(tb, true, slow("application/json", k8sMeta, "x")) }),
		k8s("k8s-endless", func(tb testing.TB) string {
			return httpServer(tb, true, endless("application/json", k8sMeta, "xxxxxxxxxxxxxxxx"))
		}),
		probe("probe-silent", silentTLS),
		probe("probe-endless", func(tb testing.TB) string {
			return httpServer(tb, true, endless("application/json", `{"major":"1","minor":"`, "1"))
		}),
	}
}
