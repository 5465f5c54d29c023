package controlplane

import "github.com/fourc-dev/fourc/internal/finding"

func controllerRules() []Rule {
	kcm := []Component{ControllerManager}
	sched := []Component{Scheduler}
	editKCM := "Edit the controller manager's static pod manifest (/etc/kubernetes/manifests/kube-controller-manager.yaml) and "
	editSched := "Edit the scheduler's static pod manifest (/etc/kubernetes/manifests/kube-scheduler.yaml) and "
	return []Rule{
		{
			ID: "FC-CIS-040", CIS: "1.3.1", Components: kcm, Severity: finding.SeverityLow,
			Title:       "Terminated pods are garbage-collected only at 12,500",
			Description: "Without --terminated-pod-gc-threshold terminated pods pile up to 12,500 before collection, wasting etcd space and slowing the control plane.",
			Remediation: editKCM + "set --terminated-pod-gc-threshold to a value suited to the cluster, e.g. 10.",
			Flag:        "terminated-pod-gc-threshold", Op: MustBeSet,
		},
		{
			ID: "FC-CIS-041", CIS: "1.3.2", Components: kcm, Severity: finding.SeverityLow,
			Title:       "Controller manager exposes profiling endpoints",
			Description: "The /debug/pprof endpoints reveal internals of the program and can be used to exhaust its resources.",
			Remediation: editKCM + "set --profiling=false.",
			Flag:        "profiling", Default: "true", Op: MustEqual, Want: "false",
		},
		{
			ID: "FC-CIS-042", CIS: "1.3.3", Components: kcm, Severity: finding.SeverityMedium,
			Title:       "Controllers share the controller manager's credentials",
			Description: "Without --use-service-account-credentials every controller acts with the controller manager's own broad rights instead of a least-privilege service account each.",
			Remediation: editKCM + "set --use-service-account-credentials=true.",
			Flag:        "use-service-account-credentials", Default: "false", Op: MustEqual, Want: "true",
		},
		{
			ID: "FC-CIS-043", CIS: "1.3.4", Components: kcm, Severity: finding.SeverityMedium,
			Title:       "Controller manager has no service-account signing key",
			Description: "Without --service-account-private-key-file service-account token keys cannot be rotated apart from the serving certificate.",
			Remediation: editKCM + "set --service-account-private-key-file to the key matching the API server's --service-account-key-file.",
			Flag:        "service-account-private-key-file", Op: MustBeSet,
		},
		{
			ID: "FC-CIS-044", CIS: "1.3.5", Components: kcm, Severity: finding.SeverityMedium,
			Title:       "Pods are not given the cluster's root CA",
			Description: "Without --root-ca-file pods cannot verify the API server's certificate and may skip verification, exposing their tokens to a man in the middle.",
			Remediation: editKCM + "set --root-ca-file to the cluster CA bundle.",
			Flag:        "root-ca-file", Op: MustBeSet,
		},
		{
			ID: "FC-CIS-045", CIS: "1.3.6", Components: kcm, Severity: finding.SeverityMedium,
			Title:       "Kubelet serving certificate rotation is turned off",
			Description: "With RotateKubeletServerCertificate=false kubelet serving certificates are not renewed and signed by the cluster, so they expire or stay self-signed.",
			Remediation: editKCM + "remove RotateKubeletServerCertificate=false from --feature-gates.",
			Flag:        "feature-gates", Op: MustExclude, Want: "RotateKubeletServerCertificate=false",
		},
		{
			ID: "FC-CIS-046", CIS: "1.3.7", Components: kcm, Severity: finding.SeverityMedium,
			Title:       "Controller manager listens beyond localhost",
			Description: "The controller manager's metrics and health port listens on all interfaces by default (0.0.0.0); bound to loopback it cannot be reached from the network.",
			Remediation: editKCM + "set --bind-address=127.0.0.1.",
			Flag:        "bind-address", Default: "0.0.0.0", Op: MustEqual, Want: "127.0.0.1",
		},
		{
			ID: "FC-CIS-047", CIS: "1.4.1", Components: sched, Severity: finding.SeverityLow,
			Title:       "Scheduler exposes profiling endpoints",
			Description: "The /debug/pprof endpoints reveal internals of the program and can be used to exhaust its resources.",
			Remediation: editSched + "set --profiling=false.",
			Flag:        "profiling", Default: "true", Op: MustEqual, Want: "false",
		},
		{
			ID: "FC-CIS-048", CIS: "1.4.2", Components: sched, Severity: finding.SeverityMedium,
			Title:       "Scheduler listens beyond localhost",
			Description: "The scheduler's metrics and health port listens on all interfaces by default (0.0.0.0); bound to loopback it cannot be reached from the network.",
			Remediation: editSched + "set --bind-address=127.0.0.1.",
			Flag:        "bind-address", Default: "0.0.0.0", Op: MustEqual, Want: "127.0.0.1",
		},
	}
}
