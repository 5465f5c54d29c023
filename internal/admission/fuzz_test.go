package admission

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FuzzParsePolicy: any input is a policy or an error, never a panic, and
// a policy it accepts gives every namespace a valid mode.
func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(fullPolicy))
	f.Add([]byte("fail-on: low\nadmission:\n  mode: audit\n"))
	f.Add([]byte("admission:\n  namespaces:\n    '[': warn\n"))
	f.Add([]byte("admission:\n  exemptions:\n    - id: '*'\n      resource: '*/*/*'\n      expires: 2020-01-01\n"))
	f.Add([]byte("kubernetes: {version: v1.30}\nposture: {rules: [{id: A-1, title: t, severity: high, when: 'true'}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePolicy("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, ns := range []string{"", "a", "kube-system", "team-x"} {
			m, _ := p.ModeFor(ns, map[string]string{ModeLabel: string(data)})
			if _, err := ParseMode(string(m)); err != nil {
				t.Fatalf("namespace %q: invalid mode %q", ns, m)
			}
		}
		p.Violations(nil, time.Now())
	})
}

// FuzzReview: any body sent to /validate gets a 200 with a review
// answering the request's uid, or a 400; never a panic.
func FuzzReview(f *testing.F) {
	s, err := NewServer(Config{Lookup: namespaces(map[string]Mode{"e": ModeEnforce, "w": ModeWarn}), Timeout: 5 * time.Second})
	if err != nil {
		f.Fatal(err)
	}
	h := s.Handler()
	for _, ns := range []string{"e", "w"} {
		valid, _ := json.Marshal(admissionv1.AdmissionReview{
			TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
			Request:  request(f, testPod("p", true), ns),
		})
		f.Add(valid)
	}
	f.Add([]byte(`{"request":{"uid":"u","kind":{"group":"apps","version":"v1","kind":"Deployment"},"operation":"CREATE","object":{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"b"}]}}}}}}`))
	f.Add([]byte(`{"request":{"uid":"u","kind":{"version":"v1","kind":"Namespace"},"operation":"UPDATE","object":{"metadata":{"name":"x","labels":{"fourc.dev/admission":"enforce"}}}}}`))
	f.Add([]byte(`{"request":{"uid":"u","kind":{"version":"v1","kind":"Pod"},"operation":"CREATE","object":null}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/validate", bytes.NewReader(body)))
		switch rec.Code {
		case http.StatusBadRequest:
			return
		case http.StatusOK:
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		var in, out admissionv1.AdmissionReview
		if err := json.Unmarshal(body, &in); err != nil {
			t.Fatalf("200 for a body that does not decode: %v", err)
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Response == nil || out.Response.UID != in.Request.UID {
			t.Fatalf("response %s (%v)", rec.Body, err)
		}
	})
}
