package objectstore

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePolicy(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		want    []string // publicGrant of each statement
		wantErr string
	}{
		{
			name: "statement list",
			doc: `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"]},
				{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*"}]}`,
			want: []string{`everyone (Principal "*") to s3:GetObject, s3:ListBucket`, ""},
		},
		{
			name: "single statement object",
			doc:  `{"Statement":{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:GetObject"}}`,
			want: []string{`everyone (Principal "*") to s3:GetObject`},
		},
		{
			name: "canonical user star",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"*"},"Action":"s3:GetObject"}]}`,
			want: []string{`everyone (Principal "*") to s3:GetObject`},
		},
		{
			name: "service principal star is not public",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":{"Service":"*"},"Action":"s3:GetObject"}]}`,
			want: []string{""},
		},
		{
			name: "no action means every action",
			doc:  `{"Statement":[{"Effect":"allow","Principal":"*"}]}`,
			want: []string{`everyone (Principal "*") to every action`},
		},
		{
			name: "not action",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":"*","NotAction":"s3:DeleteObject"}]}`,
			want: []string{`everyone (Principal "*") to every action but s3:DeleteObject`},
		},
		{
			name: "empty condition counts as none",
			doc:  `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{}}]}`,
			want: []string{`everyone (Principal "*") to s3:GetObject`},
		},
		{
			name: "deny is never public",
			doc:  `{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*"}]}`,
			want: []string{""},
		},
		{
			name: "minio style",
			doc:  `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetBucketLocation","s3:ListBucket"],"Resource":["arn:aws:s3:::public"]}]}`,
			want: []string{`everyone (Principal "*") to s3:GetBucketLocation, s3:ListBucket`},
		},
		{name: "not json", doc: `Statement`, wantErr: "policy is not a JSON object"},
		{name: "array", doc: `[]`, wantErr: "policy is not a JSON object"},
		{name: "trailing data", doc: `{"Statement":[]} {}`, wantErr: "data after its JSON object"},
		{name: "no statement", doc: `{"Version":"2012-10-17"}`, wantErr: "no Statement"},
		{name: "principal string", doc: `{"Statement":[{"Effect":"Allow","Principal":"arn:aws:iam::1:root"}]}`, wantErr: `a principal string must be "*"`},
		{name: "action number", doc: `{"Statement":[{"Effect":"Allow","Principal":"*","Action":7}]}`, wantErr: "want a string or an array of strings"},
		{name: "statement string", doc: `{"Statement":"x"}`, wantErr: "policy statements"},
		{name: "too large", doc: `{"Statement":[` + strings.Repeat(" ", maxPolicySize) + `]}`, wantErr: "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parsePolicy(tt.doc)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range p.Statements {
				got = append(got, s.publicGrant())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("public grants (-want +got):\n%s", diff)
			}
		})
	}
}
