package audit

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/fourc-dev/fourc/internal/finding"
)

func eventLine(id string) string {
	return fmt.Sprintf(`{"auditID":%q,"stage":"ResponseComplete","verb":"get","user":{"username":"alice"},"objectRef":{"resource":"pods","namespace":"a","name":"p"},"responseStatus":{"code":200},"requestReceivedTimestamp":"2026-12-06T10:00:00Z"}`, id)
}

func TestOrderRotated(t *testing.T) {
	got := OrderRotated([]string{"audit.log", "audit.log.1", "audit.log.2.gz", "audit.log-20261205.gz", "audit.log-20261204",
		"audit-2026-12-06T10-00-00.000.log", "audit-2026-12-01T09-00-00.000.log.gz"})
	want := []string{"audit-2026-12-01T09-00-00.000.log.gz", "audit.log-20261204", "audit.log-20261205.gz",
		"audit-2026-12-06T10-00-00.000.log", "audit.log.2.gz", "audit.log.1", "audit.log"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestReadFolder reads rotated files oldest first, gzip or not, and
// reports malformed and over-long lines by file and line.
func TestReadFolder(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"audit.log.2.gz": gz(t, eventLine("1")+"\n"+eventLine("2")+"\n"),
		"audit.log.1":    []byte(eventLine("3") + "\nnot json\n" + `{"auditID":"x"` + "\n"),
		"audit.log":      []byte(eventLine("4") + "\n" + `{"auditID":"long","verb":"` + strings.Repeat("a", 600) + "\"}\n" + eventLine("5")),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	inputs, err := Inputs([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	st, skipped, err := Read(context.Background(), inputs, nil, ReadOptions{MaxLine: 512}, func(ev *auditv1.Event, pos Position) {
		seen = append(seen, fmt.Sprintf("%s@%s:%d", ev.AuditID, filepath.Base(pos.Path), pos.Line))
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1@audit.log.2.gz:1", "2@audit.log.2.gz:2", "3@audit.log.1:1", "4@audit.log:1", "5@audit.log:3"}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if st.Malformed != 2 || st.TooLong != 1 || st.Events != 5 {
		t.Errorf("stats %+v, want 5 events, 2 malformed, 1 too long", st)
	}
	var reasons []string
	for _, s := range skipped {
		reasons = append(reasons, filepath.Base(s.Path)+" "+strings.SplitN(s.Reason, ":", 2)[0])
	}
	wantSkipped := []string{"audit.log.1:2 malformed audit event", "audit.log.1:3 malformed audit event", "audit.log:2 line longer than 512 bytes"}
	if diff := cmp.Diff(wantSkipped, reasons); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
}

func TestReadStdinAndManyBadLines(t *testing.T) {
	in := strings.Repeat("garbage\n", 30) + eventLine("ok") + "\n"
	var n int
	_, skipped, err := Read(context.Background(), []string{Stdin}, strings.NewReader(in), ReadOptions{}, func(*auditv1.Event, Position) { n++ })
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || len(skipped) != maxSkippedReported+1 || !strings.Contains(skipped[len(skipped)-1].Reason, "10 more bad lines") {
		t.Errorf("got %d events and skipped %v", n, skipped)
	}
}

// TestFollowRotationAndTruncation: a followed file that grows, is
// truncated, then rotated (renamed, a new file created) yields every
// event once.
func TestFollowRotationAndTruncation(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.log")
	if err := os.WriteFile(path, []byte(eventLine("before")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan string, 10)
	done := make(chan error, 1)
	go func() {
		_, err := Follow(ctx, path, nil, FollowOptions{Poll: 10 * time.Millisecond, Skipped: func(s finding.Skipped) { got <- "skipped " + s.Reason }},
			func(ev *auditv1.Event, _ Position) { got <- string(ev.AuditID) })
		done <- err
	}()
	expect := func(want string) {
		t.Helper()
		select {
		case g := <-got:
			if g != want {
				t.Fatalf("got %q, want %q", g, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no %q within 10s", want)
		}
	}
	appendTo := func(p, s string) {
		t.Helper()
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(s); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	line := eventLine("grown")
	appendTo(path, line[:40]) // half a line: nothing yet
	time.Sleep(50 * time.Millisecond)
	appendTo(path, line[40:]+"\n")
	expect("grown")
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	appendTo(path, eventLine("after-truncate")+"\n")
	expect("after-truncate")
	appendTo(path, eventLine("last-of-old")+"\n")
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	appendTo(path, eventLine("new-file")+"\n")
	expect("last-of-old")
	expect("new-file")
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestProfileLearnMergeRoundTrip(t *testing.T) {
	learn := func(lines ...string) *Profile {
		p := NewProfile()
		for _, l := range lines {
			var ev auditv1.Event
			if err := Decode([]byte(l), &ev); err != nil {
				t.Fatal(err)
			}
			p.Learn(&ev)
		}
		return p
	}
	a := learn(`{"auditID":"1","stage":"ResponseComplete","verb":"get","user":{"username":"system:serviceaccount:shop:api"},"sourceIPs":["10.1.2.3"],"objectRef":{"resource":"configmaps","namespace":"shop"},"responseStatus":{"code":200},"requestReceivedTimestamp":"2026-12-06T09:00:00Z"}`,
		`{"auditID":"2","stage":"ResponseComplete","verb":"list","user":{"username":"alice"},"sourceIPs":["2001:db8::1"],"objectRef":{"resource":"deployments","apiGroup":"apps","namespace":"shop"},"responseStatus":{"code":403}}`)
	b := learn(`{"auditID":"3","stage":"ResponseComplete","verb":"create","user":{"username":"alice"},"sourceIPs":["2001:db8::2"],"objectRef":{"resource":"deployments","apiGroup":"apps","namespace":"shop"},"responseStatus":{"code":201},"requestReceivedTimestamp":"2026-12-06T23:30:00Z"}`)
	a.Merge(b)
	var buf bytes.Buffer
	if err := a.Write(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := ReadProfile(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]*Behaviour{
		"system:serviceaccount:shop:api": {Actions: []string{"get configmaps shop"}, Networks: []string{"10.1.2.0/24"}, Hours: []int{9}},
		"alice":                          {Actions: []string{"create deployments.apps shop"}, Networks: []string{"2001:db8::/64"}, Hours: []int{23}},
	}
	if diff := cmp.Diff(want, back.Subjects, cmp.Comparer(func(a, b *Behaviour) bool {
		return cmp.Equal(a.Actions, b.Actions) && cmp.Equal(a.Networks, b.Networks) && cmp.Equal(a.Hours, b.Hours)
	})); diff != "" {
		t.Errorf("profile (-want +got):\n%s", diff)
	}
	if back.Events != 2 || back.Version != ProfileVersion {
		t.Errorf("events %d version %d, want 2 and %d", back.Events, back.Version, ProfileVersion)
	}
	for _, bad := range []string{`{"version":2,"subjects":{}}`, `{"version":1}`, `{"version":1,"subjects":{},"x":1}`, `{"version":1,"subjects":{"a":{"hours":[24]}}}`} {
		if _, err := ReadProfile(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadProfile(%s): want an error", bad)
		}
	}
}

func TestRules(t *testing.T) {
	good := `rules:
- id: ACME-RT-1
  title: Secret deleted in prod
  severity: high
  condition: event.verb == "delete" && event.objectRef.resource == "secrets" && event.objectRef.namespace == "prod"
  fail: ['{"auditID":"1","stage":"ResponseComplete","verb":"delete","objectRef":{"resource":"secrets","namespace":"prod","name":"db"},"responseStatus":{"code":200}}']
  pass: ['{"auditID":"2","stage":"ResponseComplete","verb":"get","objectRef":{"resource":"secrets","namespace":"prod","name":"db"},"responseStatus":{"code":200}}']
- id: ACME-RT-2
  title: Privileged body
  severity: medium
  condition: has(event.requestObject.spec) && event.requestObject.spec.hostNetwork == true
`
	set, err := ReadRules(strings.NewReader(good), "rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a := New(Options{Rules: set})
	var ev auditv1.Event
	if err := Decode([]byte(`{"auditID":"9","stage":"ResponseComplete","verb":"create","user":{"username":"bob"},"objectRef":{"resource":"pods","namespace":"prod"},"requestObject":{"spec":{"hostNetwork":true}},"responseStatus":{"code":201}}`), &ev); err != nil {
		t.Fatal(err)
	}
	a.Observe(&ev, Position{Path: "a.log", Line: 1})
	if fs := a.Findings(); !slices.Equal(ids(fs), []string{"ACME-RT-2", idPrivilegedPod}) {
		t.Errorf("want ACME-RT-2 and FC-RT-004 findings, got %s", describe(fs))
	}
	bad := map[string]string{
		"fixture":  strings.Replace(good, `"verb":"delete"`, `"verb":"get"`, 1),
		"reserved": strings.Replace(good, "ACME-RT-1", "FC-RT-999", 1),
		"severity": strings.Replace(good, "severity: high", "severity: urgent", 1),
		"unknown":  strings.Replace(good, "  severity: high", "  severity: high\n  sevrity: high", 1),
		"cel":      strings.Replace(good, `event.verb == "delete"`, `event.verb ==`, 1),
		"shape":    "rules: 3",
	}
	for name, text := range bad {
		if _, err := ReadRules(strings.NewReader(text), "rules.yaml"); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

// TestFollowStdinIsLive: on standard input each event reaches the sink
// before more input arrives.
func TestFollowStdinIsLive(t *testing.T) {
	r, w := io.Pipe()
	got := make(chan string, 4)
	done := make(chan error, 1)
	go func() {
		_, err := Follow(context.Background(), Stdin, r, FollowOptions{}, func(ev *auditv1.Event, _ Position) { got <- string(ev.AuditID) })
		done <- err
	}()
	for _, id := range []string{"a", "b"} {
		if _, err := io.WriteString(w, eventLine(id)+"\n"); err != nil {
			t.Fatal(err)
		}
		select {
		case g := <-got:
			if g != id {
				t.Fatalf("got %q, want %q", g, id)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("event %q not delivered while the input stays open", id)
		}
	}
	w.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
