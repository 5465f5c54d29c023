package kube

// The Pod Security Standards, FC-K8S-101…126: one fourc check per control
// of k8s.io/pod-security-admission/policy (the code the API server's
// admission plugin runs), evaluated on every workload's pod template
// (metadata and spec) at the latest policy version. The upstream check
// decides; fourc adds the ID, severity (HIGH for baseline controls, MEDIUM
// for restricted-only ones), references and a line. Each control reads
// the fields named in its table entry below.
//
// A restricted control that supersedes a baseline one upstream
// (capabilities_restricted over capabilities_baseline, restrictedVolumes
// over hostPathVolumes, …) is still reported on its own: the baseline
// finding says the pod is not even baseline, the restricted one says what
// restricted additionally wants.

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

const pssURL = "https://kubernetes.io/docs/concepts/security/pod-security-standards/"

// pssControl maps one upstream check to a fourc check.
type pssControl struct {
	id       string
	upstream policy.CheckID
	level    api.Level
	// control is the control's name in the Pod Security Standards.
	control     string
	title       string
	description string
	remediation string
	cis         string
	// container is the field, inside a container, the control reads;
	// pod returns the pod-level field (relative to the pod template).
	container string
	pod       func(s *corev1.PodSpec) string
}

func podField(f string) func(*corev1.PodSpec) string {
	return func(*corev1.PodSpec) string { return f }
}

func pssControls() []pssControl {
	return []pssControl{
		{
			id: "FC-K8S-101", upstream: "privileged", level: api.LevelBaseline, control: "Privileged Containers",
			title:       "Container runs privileged",
			description: "A privileged container has all capabilities and the host's devices; escaping to the node is trivial.",
			remediation: "Remove securityContext.privileged or set it to false.",
			cis:         "CIS Kubernetes 5.2.2", container: "securityContext.privileged", pod: podField("spec"),
		},
		{
			id: "FC-K8S-102", upstream: "hostNamespaces", level: api.LevelBaseline, control: "Host Namespaces",
			title:       "Pod shares host namespaces",
			description: "hostNetwork, hostPID or hostIPC give the pod the node's network stack, processes or IPC, breaking isolation between pods and the node.",
			remediation: "Remove hostNetwork, hostPID and hostIPC from the pod spec.",
			cis:         "CIS Kubernetes 5.2.3-5.2.5",
			pod: func(s *corev1.PodSpec) string {
				switch {
				case s.HostNetwork:
					return "spec.hostNetwork"
				case s.HostPID:
					return "spec.hostPID"
				case s.HostIPC:
					return "spec.hostIPC"
				}
				return "spec"
			},
		},
		{
			id: "FC-K8S-103", upstream: "capabilities_baseline", level: api.LevelBaseline, control: "Capabilities",
			title:       "Container adds non-default capabilities",
			description: "Capabilities beyond the runtime's default set widen what a compromised container can do to the kernel and the node.",
			remediation: "Remove the capabilities outside the baseline set from securityContext.capabilities.add.",
			cis:         "CIS Kubernetes 5.2.9", container: "securityContext.capabilities.add", pod: podField("spec"),
		},
		{
			id: "FC-K8S-104", upstream: "hostPathVolumes", level: api.LevelBaseline, control: "HostPath Volumes",
			title:       "Pod mounts hostPath volumes",
			description: "A hostPath volume exposes the node's filesystem to the pod; writable mounts allow tampering with the node.",
			remediation: "Replace hostPath volumes with emptyDir, configMap, secret or persistent volumes.",
			cis:         "CIS Kubernetes 5.2.12", pod: podField("spec.volumes"),
		},
		{
			id: "FC-K8S-105", upstream: "hostPorts", level: api.LevelBaseline, control: "Host Ports",
			title:       "Container binds host ports",
			description: "A hostPort binds the node's network interface, bypassing Services and NetworkPolicies that protect pod IPs.",
			remediation: "Remove hostPort from the container's ports and expose the pod through a Service.",
			cis:         "CIS Kubernetes 5.2.13", container: "ports", pod: podField("spec"),
		},
		{
			id: "FC-K8S-106", upstream: "appArmorProfile", level: api.LevelBaseline, control: "AppArmor",
			title:       "AppArmor profile is disabled or overridden",
			description: "Setting the AppArmor profile to unconfined removes a mandatory access control layer around the container.",
			remediation: "Use the RuntimeDefault or a Localhost AppArmor profile, or leave it unset.",
			container:   "securityContext.appArmorProfile",
			pod: func(s *corev1.PodSpec) string {
				if s.SecurityContext != nil && s.SecurityContext.AppArmorProfile != nil {
					return "spec.securityContext.appArmorProfile"
				}
				return "metadata.annotations"
			},
		},
		{
			id: "FC-K8S-107", upstream: "seLinuxOptions", level: api.LevelBaseline, control: "SELinux",
			title:       "SELinux options are set to a custom type or user",
			description: "Custom SELinux users, roles or types can lift the confinement of the container.",
			remediation: "Remove seLinuxOptions.user and role and keep type to container_t, container_init_t, container_kvm_t or container_engine_t.",
			container:   "securityContext.seLinuxOptions", pod: podField("spec.securityContext.seLinuxOptions"),
		},
		{
			id: "FC-K8S-108", upstream: "procMount", level: api.LevelBaseline, control: "/proc Mount Type",
			title:       "Container unmasks /proc",
			description: "An Unmasked procMount exposes kernel interfaces under /proc that the runtime normally hides.",
			remediation: "Remove securityContext.procMount or set it to Default.",
			container:   "securityContext.procMount", pod: podField("spec"),
		},
		{
			id: "FC-K8S-109", upstream: "seccompProfile_baseline", level: api.LevelBaseline, control: "Seccomp",
			title:       "Seccomp is explicitly disabled",
			description: "An Unconfined seccomp profile lets the container call every system call, the kernel's whole attack surface.",
			remediation: "Set securityContext.seccompProfile.type to RuntimeDefault or Localhost.",
			cis:         "CIS Kubernetes 5.7.2", container: "securityContext.seccompProfile", pod: podField("spec.securityContext.seccompProfile"),
		},
		{
			id: "FC-K8S-110", upstream: "sysctls", level: api.LevelBaseline, control: "Sysctls",
			title:       "Pod sets unsafe sysctls",
			description: "Sysctls outside the safe set can affect every pod on the node or the node itself.",
			remediation: "Remove sysctls outside the safe set from securityContext.sysctls.",
			pod:         podField("spec.securityContext.sysctls"),
		},
		{
			id: "FC-K8S-111", upstream: "windowsHostProcess", level: api.LevelBaseline, control: "HostProcess",
			title:       "Windows container runs as a HostProcess",
			description: "A Windows HostProcess container runs directly on the node with the node's privileges.",
			remediation: "Remove windowsOptions.hostProcess or set it to false.",
			cis:         "CIS Kubernetes 5.2.11", container: "securityContext.windowsOptions.hostProcess", pod: podField("spec.securityContext.windowsOptions.hostProcess"),
		},
		{
			id: "FC-K8S-112", upstream: "hostProbesAndHostLifecycle", level: api.LevelBaseline, control: "Host Probes / Lifecycle Hooks",
			title:       "Probe or lifecycle hook targets another host",
			description: "A probe or lifecycle handler with a host field makes the kubelet send requests to an arbitrary address, a server-side request forgery from the node.",
			remediation: "Remove the host field from httpGet and tcpSocket probes and lifecycle handlers.",
			pod:         podField("spec"),
		},
		{
			id: "FC-K8S-120", upstream: "restrictedVolumes", level: api.LevelRestricted, control: "Volume Types",
			title:       "Pod uses volume types outside the restricted set",
			description: "Restricted pods may only use configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes.",
			remediation: "Replace the volume with one of the restricted volume types, e.g. a persistentVolumeClaim.",
			pod:         podField("spec.volumes"),
		},
		{
			id: "FC-K8S-121", upstream: "allowPrivilegeEscalation", level: api.LevelRestricted, control: "Privilege Escalation",
			title:       "Container allows privilege escalation",
			description: "Without allowPrivilegeEscalation=false a process can gain more privileges than its parent, through setuid binaries for example.",
			remediation: "Set securityContext.allowPrivilegeEscalation to false in every container.",
			cis:         "CIS Kubernetes 5.2.6", container: "securityContext.allowPrivilegeEscalation", pod: podField("spec"),
		},
		{
			id: "FC-K8S-122", upstream: "runAsNonRoot", level: api.LevelRestricted, control: "Running as Non-root",
			title:       "Container may run as root",
			description: "Without runAsNonRoot=true the container may run as root, so a container escape lands as root on the node.",
			remediation: "Set securityContext.runAsNonRoot to true on the pod or on every container, and run the image as a non-root user.",
			cis:         "CIS Kubernetes 5.2.7", container: "securityContext.runAsNonRoot", pod: podField("spec.securityContext.runAsNonRoot"),
		},
		{
			id: "FC-K8S-123", upstream: "runAsUser", level: api.LevelRestricted, control: "Running as Non-root user",
			title:       "Container runs as UID 0",
			description: "runAsUser=0 runs the container as root whatever the image says.",
			remediation: "Set runAsUser to a non-zero UID or remove it.",
			cis:         "CIS Kubernetes 5.2.7", container: "securityContext.runAsUser", pod: podField("spec.securityContext.runAsUser"),
		},
		{
			id: "FC-K8S-124", upstream: "seccompProfile_restricted", level: api.LevelRestricted, control: "Seccomp",
			title:       "Seccomp profile is not set",
			description: "Without a RuntimeDefault or Localhost seccomp profile, the container can call every system call.",
			remediation: "Set securityContext.seccompProfile.type to RuntimeDefault on the pod.",
			cis:         "CIS Kubernetes 5.7.2", container: "securityContext.seccompProfile", pod: podField("spec.securityContext.seccompProfile"),
		},
		{
			id: "FC-K8S-125", upstream: "capabilities_restricted", level: api.LevelRestricted, control: "Capabilities",
			title:       "Container does not drop all capabilities",
			description: "Restricted containers must drop ALL capabilities and may add back only NET_BIND_SERVICE.",
			remediation: `Set securityContext.capabilities.drop to ["ALL"] and add back only NET_BIND_SERVICE if needed.`,
			cis:         "CIS Kubernetes 5.2.10", container: "securityContext.capabilities", pod: podField("spec"),
		},
		{
			id: "FC-K8S-126", upstream: "procMount_restricted", level: api.LevelRestricted, control: "/proc Mount Type",
			title:       "Container unmasks /proc in a user namespace",
			description: "Restricted pods may not unmask /proc even when they run in a user namespace.",
			remediation: "Remove securityContext.procMount or set it to Default.",
			container:   "securityContext.procMount", pod: podField("spec"),
		},
	}
}

// meta returns the fourc metadata of a control.
func (c pssControl) meta() check.Meta {
	sev, level := finding.SeverityHigh, "baseline"
	if c.level == api.LevelRestricted {
		sev, level = finding.SeverityMedium, "restricted"
	}
	refs := []finding.Reference{{Source: fmt.Sprintf("PSS %s: %s", level, c.control), URL: pssURL + "#" + level}}
	if c.cis != "" {
		refs = append(refs, finding.Reference{Source: c.cis})
	}
	return check.New(
		c.id,
		c.title,
		sev,
		finding.LayerCluster,
		c.description,
		c.remediation,
		refs...,
	)
}

// pssEvaluator holds upstream evaluators: one per check, to attribute a
// failure to its control, and one over all checks, to decide whether a pod
// passes a level as the admission plugin would.
type pssEvaluator struct {
	single map[policy.CheckID]policy.Evaluator
	levels map[policy.CheckID]api.Level
	all    policy.Evaluator
	// version is the Kubernetes version the cluster runs, at which the
	// Pod Security Standards are evaluated; latest unless set.
	version api.Version
}

func newPSSEvaluator() (*pssEvaluator, error) {
	checks := policy.DefaultChecks()
	all, err := policy.NewEvaluator(checks, nil)
	if err != nil {
		return nil, fmt.Errorf("building Pod Security evaluator: %w", err)
	}
	ev := &pssEvaluator{all: all, single: map[policy.CheckID]policy.Evaluator{}, levels: map[policy.CheckID]api.Level{}, version: api.LatestVersion()}
	for _, c := range checks {
		e, err := policy.NewEvaluator([]policy.Check{c}, nil)
		if err != nil {
			return nil, fmt.Errorf("building Pod Security check %s: %w", c.ID, err)
		}
		ev.single[c.ID] = e
		ev.levels[c.ID] = c.Level
	}
	return ev, nil
}

// evaluate runs one upstream check on a pod template at the evaluator's
// version.
func (ev *pssEvaluator) evaluate(id policy.CheckID, w *Workload, spec *corev1.PodSpec) (policy.CheckResult, bool) {
	e, ok := ev.single[id]
	if !ok {
		return policy.CheckResult{Allowed: true}, false
	}
	for _, r := range e.EvaluatePod(api.LevelVersion{Level: ev.levels[id], Version: ev.version}, w.PodMeta, spec) {
		if !r.Allowed {
			return r, true
		}
	}
	return policy.CheckResult{Allowed: true}, true
}

func pssCheck(c pssControl, ev *pssEvaluator) check.Check[*Workload] {
	return check.Check[*Workload]{
		Meta: c.meta(),
		Eval: func(w *Workload) []check.Violation {
			if ev == nil {
				return nil
			}
			r, _ := ev.evaluate(c.upstream, w, w.PodSpec)
			if r.Allowed {
				return nil
			}
			msg := r.ForbiddenReason
			if msg == "" {
				msg = policy.UnknownForbiddenReason
			}
			if r.ForbiddenDetail != "" {
				msg += ": " + r.ForbiddenDetail
			}
			return []check.Violation{{Message: msg, Field: ev.locate(c, w)}}
		},
	}
}

// locate finds the field that makes the upstream check fail by running it
// on reduced copies of the pod: without containers (a pod-level field, or
// one volume at a time), then with one container at a time. The upstream
// check stays the only judge of what is wrong.
func (ev *pssEvaluator) locate(c pssControl, w *Workload) string {
	spec := w.PodSpec
	fails := func(s *corev1.PodSpec) bool {
		r, _ := ev.evaluate(c.upstream, w, s)
		return !r.Allowed
	}
	bare := *spec
	bare.InitContainers, bare.Containers, bare.EphemeralContainers, bare.Volumes = nil, nil, nil, nil
	if fails(&bare) {
		return w.Field(c.pod(spec))
	}
	for i := range spec.Volumes {
		one := bare
		one.Volumes = spec.Volumes[i : i+1]
		if fails(&one) {
			return w.Field(fieldIndex("spec.volumes", i))
		}
	}
	for ctr := range w.Containers() {
		one := bare
		one.Volumes = spec.Volumes
		switch ctr.Kind {
		case InitContainer:
			one.InitContainers = spec.InitContainers[ctr.Index : ctr.Index+1]
		case RegularContainer:
			one.Containers = spec.Containers[ctr.Index : ctr.Index+1]
		case EphemeralContainer:
			one.EphemeralContainers = spec.EphemeralContainers[ctr.Index : ctr.Index+1]
		}
		if fails(&one) {
			return ctr.Path(c.container)
		}
	}
	return w.Field(c.pod(spec))
}

// pssChecks returns one check per Pod Security Standards control.
func pssChecks(ev *pssEvaluator) []check.Check[*Workload] {
	var out []check.Check[*Workload]
	for _, c := range pssControls() {
		out = append(out, pssCheck(c, ev))
	}
	return out
}
