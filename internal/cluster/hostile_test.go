package cluster

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/fourc-dev/fourc/internal/limits"
	"github.com/fourc-dev/fourc/internal/transport/hostiletest"
)

// hostileKubeconfig writes a kubeconfig whose only cluster is server.
func hostileKubeconfig(t *testing.T, server string) string {
	t.Helper()
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["hostile"] = &clientcmdapi.Cluster{Server: server, InsecureSkipTLSVerify: strings.HasPrefix(server, "https:")}
	cfg.AuthInfos["user"] = &clientcmdapi.AuthInfo{Token: "fourc-test-token"}
	cfg.Contexts["hostile"] = &clientcmdapi.Context{Cluster: "hostile", AuthInfo: "user"}
	cfg.CurrentContext = "hostile"
	p := filepath.Join(t.TempDir(), "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestHostileAPIServer: an API server that never answers, trickles bytes,
// streams an endless body or an endless header fails the read in bounded
// time and memory, with one line naming the cluster and the cause.
func TestHostileAPIServer(t *testing.T) {
	small := limits.Limits{
		ConnectTimeout: 500 * time.Millisecond,
		HeaderTimeout:  700 * time.Millisecond,
		RequestTimeout: 1500 * time.Millisecond,
		ResponseBytes:  1 << 20,
	}
	tests := []struct {
		b    hostiletest.Behaviour
		want string // regexp
	}{
		{hostiletest.Silent, `: no (response|TLS handshake) within (700|500)ms$`},
		{hostiletest.TrickleHeader, `: no response within 700ms$`},
		{hostiletest.TrickleBody, `: response not complete within 1.5s$`},
		{hostiletest.EndlessBody, `: response body larger than 1 MiB$`},
		{hostiletest.HugeHeader, `(headers exceeded [0-9]+ bytes|no response within 700ms)`}, // client-go keeps net/http's 10 MiB cap
	}
	for _, tc := range tests {
		for _, useTLS := range []bool{false, true} {
			name := tc.b.String()
			if useTLS {
				name += "/tls"
			}
			t.Run(name, func(t *testing.T) {
				server := hostiletest.Start(t, hostiletest.Server{Behaviour: tc.b, TLS: useTLS, ContentType: "application/json",
					Prefix: `{"major":"1","minor":"`, Tick: 200 * time.Millisecond})
				kc := hostileKubeconfig(t, server)
				ctx := limits.With(context.Background(), small)
				o := hostiletest.Call(func() error {
					_, _, err := Read(ctx, Options{Kubeconfig: kc})
					return err
				})
				// client-go keeps net/http's 10 MiB header cap, which an
				// endless header reaches after about 90 MiB of allocations.
				o.Bounded(t, 4*time.Second, 160<<20)
				err := o.Err
				msg := err.Error()
				if !strings.HasPrefix(msg, "cluster "+server+" (context \"hostile\"") || !regexp.MustCompile(tc.want).MatchString(msg) {
					t.Errorf("err = %q, want the cluster named and %q", msg, tc.want)
				}
			})
		}
	}
}

// TestHostileAPIServerCancel: cancelling the run stops a read that waits
// on a silent API server at once.
func TestHostileAPIServerCancel(t *testing.T) {
	server := hostiletest.Start(t, hostiletest.Server{Behaviour: hostiletest.Silent})
	kc := hostileKubeconfig(t, server)
	run, cancel := context.WithCancel(context.Background())
	ctx := limits.With(run, limits.Limits{HeaderTimeout: time.Minute, RequestTimeout: time.Minute})
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	if _, _, err := Read(ctx, Options{Kubeconfig: kc}); err == nil {
		t.Fatal("no error")
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("cancelled read took %v to stop", took)
	}
}
