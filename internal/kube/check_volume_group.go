package kube

// FC-K8S-210 inspects spec.volumes, the containers' volumeMounts and the
// group settings of the pod template (spec.securityContext.fsGroup and
// runAsGroup, each container's securityContext.runAsGroup). A pod fails
// when a container mounts writable (readOnly unset on the mount and on the
// volume source) a volume that outlives the pod or is shared: a
// persistentVolumeClaim, nfs, hostPath, cephfs, glusterfs, azureFile,
// iscsi, fc or csi volume, or an emptyDir mounted by two or more
// containers, and neither fsGroup nor runAsGroup is set for the pod (or
// runAsGroup for every container that writes to it). The files written
// then belong to the image's group (often root, gid 0), readable and
// writable by any other workload or container that mounts the same volume
// as root's group.
//
// Severity LOW. Kubescape's "Apply Security Context to Your Pods and
// Containers" (CIS 5.7.3) and Trivy's runAsGroup check (KSV021) judge the
// security context of every pod, at higher severities; kube-bench leaves
// 5.7.3 manual. fourc deliberately reports only pods that write to shared
// volumes and rates them LOW: the exposure is of data to other pods that
// already mount the volume.

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// sharedVolumeKind names the kind of a volume whose files outlive the pod
// or reach another host, or "" for other volumes; emptyDir is "emptyDir".
func sharedVolumeKind(v corev1.Volume) (kind string, readOnly bool) {
	s := v.VolumeSource
	switch {
	case s.PersistentVolumeClaim != nil:
		return "persistentVolumeClaim", s.PersistentVolumeClaim.ReadOnly
	case s.NFS != nil:
		return "nfs", s.NFS.ReadOnly
	case s.HostPath != nil:
		return "hostPath", false
	case s.CephFS != nil:
		return "cephfs", s.CephFS.ReadOnly
	case s.Glusterfs != nil:
		return "glusterfs", s.Glusterfs.ReadOnly
	case s.AzureFile != nil:
		return "azureFile", s.AzureFile.ReadOnly
	case s.ISCSI != nil:
		return "iscsi", s.ISCSI.ReadOnly
	case s.FC != nil:
		return "fc", s.FC.ReadOnly
	case s.CSI != nil:
		return "csi", s.CSI.ReadOnly != nil && *s.CSI.ReadOnly
	case s.Ephemeral != nil:
		return "ephemeral", false
	case s.EmptyDir != nil:
		return "emptyDir", false
	}
	return "", false
}

func checkSharedVolumeGroup() check.Check[*Workload] {
	return check.Check[*Workload]{
		Meta: meta("FC-K8S-210", "Pod writes to a shared volume without fsGroup or runAsGroup", finding.SeverityLow,
			"Files a container writes to a persistent, network or host volume (or an emptyDir shared between containers) get the group of the container's process, often root (gid 0), when the pod sets neither fsGroup nor runAsGroup; any other pod or container mounting the volume can then read and change them. Kubescape (CIS 5.7.3) and Trivy judge every pod's security context at higher severities; fourc reports only pods writing to shared volumes, LOW.",
			"Set spec.securityContext.fsGroup (and runAsGroup) to a dedicated non-zero group, or mount the volume readOnly where the container only reads.",
			ref("CIS Kubernetes 5.7.3"), refNSA()),
		Eval: func(w *Workload) []check.Violation {
			psc := w.PodSpec.SecurityContext
			if psc != nil && (psc.FSGroup != nil || psc.RunAsGroup != nil) {
				return nil
			}
			volumes := map[string]int{}
			for i, v := range w.PodSpec.Volumes {
				volumes[v.Name] = i
			}
			type use struct {
				writers []string
				mounts  int
			}
			uses := map[string]*use{}
			for c := range w.Containers() {
				for _, m := range c.VolumeMounts {
					i, ok := volumes[m.Name]
					if !ok {
						continue
					}
					kind, ro := sharedVolumeKind(w.PodSpec.Volumes[i])
					if kind == "" {
						continue
					}
					u := uses[m.Name]
					if u == nil {
						u = &use{}
						uses[m.Name] = u
					}
					u.mounts++
					if m.ReadOnly || ro || (c.SecurityContext != nil && c.SecurityContext.RunAsGroup != nil) {
						continue
					}
					u.writers = append(u.writers, c.String())
				}
			}
			var out []check.Violation
			for i, v := range w.PodSpec.Volumes {
				u := uses[v.Name]
				if u == nil || len(u.writers) == 0 {
					continue
				}
				kind, _ := sharedVolumeKind(v)
				if kind == "emptyDir" && u.mounts < 2 {
					continue
				}
				writers := slices.Compact(u.writers)
				out = append(out, check.Violation{
					Message:       fmt.Sprintf("%s write(s) to %s volume %q and the pod sets neither fsGroup nor runAsGroup", strings.Join(writers, ", "), kind, v.Name),
					Field:         w.Field(fieldIndex("spec.volumes", i)),
					Discriminator: v.Name,
				})
			}
			return out
		},
	}
}
