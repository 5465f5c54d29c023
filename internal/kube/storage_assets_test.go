package kube

import (
	"slices"
	"testing"

	"github.com/fourc-dev/fourc/internal/finding"
)

const storageManifests = `
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: gp3
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: ebs.csi.aws.com
parameters: {type: gp3}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: gp3-kms}
provisioner: ebs.csi.aws.com
parameters: {Encrypted: "TRUE", kmsKeyId: "arn:aws:kms:eu-central-1:111122223333:key/k"}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: pd}
provisioner: pd.csi.storage.gke.io
parameters: {disk-encryption-kms-key: projects/p/locations/l/keyRings/r/cryptoKeys/k}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: cache, namespace: app}
spec:
  accessModes: ["ReadWriteOnce"]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: app}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers: [{name: db, image: postgres:16.4}]
      volumes:
        - name: cache
          persistentVolumeClaim: {claimName: cache}
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        storageClassName: gp3-kms
        accessModes: ["ReadWriteOnce"]
        resources: {requests: {storage: 5Gi}}
`

func TestStorageAssets(t *testing.T) {
	got := assetsOf(t, storageManifests)
	attrs := map[string]map[string]string{
		"storageclass:gp3":     {"provisioner": "ebs.csi.aws.com", "cloud": "aws", "encrypted": "false", "unencrypted": `parameter encrypted is not "true"`},
		"storageclass:gp3-kms": {"provisioner": "ebs.csi.aws.com", "cloud": "aws", "encrypted": "true", "kmsKey": "arn:aws:kms:eu-central-1:111122223333:key/k"},
		"storageclass:pd":      {"provisioner": "pd.csi.storage.gke.io", "cloud": "gcp", "kmsKey": "projects/p/locations/l/keyRings/r/cryptoKeys/k"},
		"pvc:app/cache":        {"namespace": "app", "storageClass": "gp3"},
		"pvc:app/data-db-*":    {"namespace": "app", "storageClass": "gp3-kms"},
	}
	for id, want := range attrs {
		a, ok := got[id]
		if !ok {
			t.Errorf("no asset %s", id)
			continue
		}
		for k, v := range want {
			if a.Attrs[k] != v {
				t.Errorf("%s: %s = %q, want %q", id, k, a.Attrs[k], v)
			}
		}
	}
	if a := got["storageclass:gp3"]; a.Resource != (finding.Resource{Kind: "StorageClass", Name: "gp3"}) || a.Layer != finding.LayerCluster {
		t.Errorf("storageclass:gp3: resource %v layer %v", a.Resource, a.Layer)
	}
	edges := map[string][]finding.Edge{
		"pvc:app/cache":               {{Rel: "class", To: "storageclass:gp3"}, {Rel: "in", To: "namespace:app"}},
		"pvc:app/data-db-*":           {{Rel: "class", To: "storageclass:gp3-kms"}},
		"workload:app/StatefulSet/db": {{Rel: "claims", To: "pvc:app/cache"}, {Rel: "claims", To: "pvc:app/data-db-*"}},
	}
	for id, want := range edges {
		for _, e := range want {
			if !slices.Contains(got[id].Edges, e) {
				t.Errorf("%s: no edge %v in %v", id, e, got[id].Edges)
			}
		}
	}
}
