package kube

// FC-K8S-009, FC-K8S-010 and FC-K8S-011 inspect image and imagePullPolicy
// of every container (init, regular, ephemeral).
//   - FC-K8S-009: the image must carry a digest (name@sha256:…).
//   - FC-K8S-010: an image without a digest must have a tag other than
//     "latest".
//   - FC-K8S-011: an image without a digest must be pulled with
//     imagePullPolicy Always; when the policy is unset, Kubernetes uses
//     Always only for "latest" and untagged images.

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// imageRef splits an image reference into its tag and whether it is pinned
// by digest.
func imageRef(image string) (tag string, digest bool) {
	if strings.Contains(image, "@") {
		return "", true
	}
	last := image[strings.LastIndexByte(image, '/')+1:]
	if i := strings.LastIndexByte(last, ':'); i >= 0 {
		return last[i+1:], false
	}
	return "", false
}

func imageCheck(m check.Meta, eval func(c Container, tag string) (string, string)) check.Check[*Workload] {
	return check.Check[*Workload]{
		Meta: m,
		Eval: func(w *Workload) []check.Violation {
			var out []check.Violation
			for c := range w.Containers() {
				if strings.TrimSpace(c.Image) == "" {
					continue
				}
				tag, digest := imageRef(c.Image)
				if digest {
					continue
				}
				if msg, field := eval(c, tag); msg != "" {
					out = append(out, check.Violation{Message: msg, Field: c.Path(field), Discriminator: c.Name})
				}
			}
			return out
		},
	}
}

func checkImageDigest() check.Check[*Workload] {
	return imageCheck(
		meta("FC-K8S-009", "Image is not pinned by digest", finding.SeverityLow,
			"A tag can be moved to other content at any time; only a digest guarantees that the image that was reviewed and scanned is the one that runs.",
			"Reference the image by digest (name:tag@sha256:…), updated by your dependency bot.",
			refNSA(), ref("CWE-1357")),
		func(c Container, tag string) (string, string) {
			return fmt.Sprintf("%s uses image %q without a digest", c, c.Image), "image"
		})
}

func checkImageLatest() check.Check[*Workload] {
	return imageCheck(
		meta("FC-K8S-010", "Image uses the latest tag or no tag", finding.SeverityMedium,
			"\"latest\" (or no tag) changes with every push: deployments are not reproducible and a compromised upstream image rolls out silently.",
			"Pin the image to an immutable version tag and, better, a digest.",
			refNSA(), ref("CWE-1357")),
		func(c Container, tag string) (string, string) {
			switch tag {
			case "":
				return fmt.Sprintf("%s uses image %q without a tag (implicitly latest)", c, c.Image), "image"
			case "latest":
				return fmt.Sprintf("%s uses image %q with the latest tag", c, c.Image), "image"
			}
			return "", ""
		})
}

func checkImagePullPolicy() check.Check[*Workload] {
	return imageCheck(
		meta("FC-K8S-011", "Mutable image tag is not always pulled", finding.SeverityLow,
			"With a mutable tag and a pull policy other than Always, nodes run whatever image they cached under that tag, and pods can use images cached by other tenants without registry credentials.",
			"Pin the image by digest, or set imagePullPolicy: Always.",
			refNSA()),
		func(c Container, tag string) (string, string) {
			policy := c.ImagePullPolicy
			field := "imagePullPolicy"
			if policy == "" {
				field = "image"
				policy = corev1.PullIfNotPresent
				if tag == "" || tag == "latest" {
					policy = corev1.PullAlways
				}
			}
			if policy == corev1.PullAlways {
				return "", ""
			}
			how := fmt.Sprintf("imagePullPolicy %s", policy)
			if c.ImagePullPolicy == "" {
				how += " (the default for a tagged image)"
			}
			return fmt.Sprintf("%s pulls mutable image %q with %s", c, c.Image, how), field
		})
}
