package controlplane

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// ParseStaticPod reads a static pod manifest of a control-plane component
// (kube-apiserver.yaml, etcd.yaml, …): the flags of its container's command
// and args with their lines, etcd's ETCD_* environment variables as flags,
// and the Kubernetes version from the image tag. p is the manifest's node
// path, used in findings.
func ParseStaticPod(p string, data []byte) (*ComponentConfig, error) {
	var pod corev1.Pod
	if err := yaml.Unmarshal(data, &pod); err != nil {
		return nil, fmt.Errorf("decoding static pod %q: %w", p, err)
	}
	if pod.Kind != "" && pod.Kind != "Pod" {
		return nil, fmt.Errorf("static pod %q: kind %q, want Pod", p, pod.Kind)
	}
	root, err := decodeYAML(data)
	if err != nil {
		return nil, fmt.Errorf("decoding static pod %q: %w", p, err)
	}
	containers := root.path("spec.containers").items()
	if len(pod.Spec.Containers) == 0 || len(containers) != len(pod.Spec.Containers) {
		return nil, fmt.Errorf("static pod %q has no containers", p)
	}
	idx := -1
	var comp Component
	for i, c := range pod.Spec.Containers {
		if comp = componentOf(c); comp != "" {
			idx = i
			break
		}
	}
	if idx < 0 {
		return nil, fmt.Errorf("static pod %q: %w", p, errNoComponent)
	}
	c := pod.Spec.Containers[idx]
	node := containers[idx]
	var words []string
	var lines []int
	for _, field := range []string{"command", "args"} {
		for _, it := range node.get(field).items() {
			words = append(words, it.str())
			lines = append(lines, it.line())
		}
	}
	argsLine := node.keyLine("command")
	if argsLine == 0 {
		argsLine = node.keyLine("args")
	}
	cfg := &ComponentConfig{
		Component: comp,
		ArgsLine:  argsLine,
		Source:    SourceStaticPod,
		Path:      p,
		Version:   imageVersion(c.Image),
		Args:      ParseArgs(words, p, lines),
	}
	cfg.Mounts = hostMounts(pod, c)
	if comp == Etcd {
		cfg.Args = append(etcdEnvArgs(c.Env, node.get("env").items(), p), cfg.Args...)
	}
	return cfg, nil
}

// errNoComponent marks a static pod of something other than a
// control-plane component (a load balancer, say).
var errNoComponent = errors.New("runs no control-plane component")

// componentOf names the component a container runs, from its command or
// its image.
func componentOf(c corev1.Container) Component {
	var words []string
	words = append(words, c.Command...)
	if len(c.Command) == 0 {
		words = append(words, c.Args...)
	}
	for _, w := range words {
		if comp := componentOfProgram(w); comp != "" {
			return comp
		}
		if strings.HasPrefix(w, "-") {
			break
		}
	}
	img := c.Image
	if i := strings.LastIndex(img, "/"); i >= 0 {
		img = img[i+1:]
	}
	img, _, _ = strings.Cut(img, ":")
	img, _, _ = strings.Cut(img, "@")
	return componentOfProgram(img)
}

// componentOfProgram maps a program name (a path or a hyperkube
// subcommand) to a component.
func componentOfProgram(w string) Component {
	switch strings.TrimSuffix(path.Base(w), ".exe") {
	case "kube-apiserver", "apiserver":
		return APIServer
	case "kube-controller-manager", "controller-manager":
		return ControllerManager
	case "kube-scheduler", "scheduler":
		return Scheduler
	case "etcd":
		return Etcd
	case "kubelet":
		return Kubelet
	}
	return ""
}

var versionTag = regexp.MustCompile(`^v?(\d+)\.(\d+)(\.\d+)?`)

// imageVersion takes the Kubernetes version from an image tag such as
// registry.k8s.io/kube-apiserver:v1.30.2 ("" for etcd's own versions and
// for digests without a tag).
func imageVersion(image string) string {
	name, _, _ := strings.Cut(image, "@")
	i := strings.LastIndex(name, ":")
	if i < 0 || strings.Contains(name[i:], "/") {
		return ""
	}
	if strings.Contains(path.Base(name[:i]), "etcd") {
		return ""
	}
	tag := name[i+1:]
	if m := versionTag.FindString(tag); m != "" {
		return "v" + strings.TrimPrefix(m, "v")
	}
	return ""
}

// etcdEnvArgs turns etcd's ETCD_* environment variables into the flags
// they stand for (ETCD_CLIENT_CERT_AUTH=true is --client-cert-auth=true).
// Flags on the command line win, so these come first.
func etcdEnvArgs(env []corev1.EnvVar, nodes []*yamlNode, p string) []Arg {
	var out []Arg
	for i, e := range env {
		name, ok := strings.CutPrefix(e.Name, "ETCD_")
		if !ok || e.ValueFrom != nil || name == "" || strings.HasPrefix(name, "UNSUPPORTED") {
			continue
		}
		line := 0
		if i < len(nodes) {
			line = nodes[i].line()
		}
		out = append(out, Arg{Name: strings.ToLower(strings.ReplaceAll(name, "_", "-")), Value: e.Value, Path: p, Line: line})
	}
	return out
}

// hostMounts maps the container's mount paths of hostPath volumes to the
// node paths behind them.
func hostMounts(pod corev1.Pod, c corev1.Container) map[string]string {
	hostPaths := map[string]string{}
	for _, v := range pod.Spec.Volumes {
		if v.HostPath != nil {
			hostPaths[v.Name] = v.HostPath.Path
		}
	}
	out := map[string]string{}
	for _, m := range c.VolumeMounts {
		hp, ok := hostPaths[m.Name]
		if !ok || m.MountPath == "" {
			continue
		}
		if m.SubPath != "" {
			hp = path.Join(hp, m.SubPath)
		}
		out[path.Clean(m.MountPath)] = path.Clean(hp)
	}
	return out
}
