package kube

// FC-NET-001 inspects spec.type, spec.loadBalancerSourceRanges and the
// internal-load-balancer annotations of Services, and links the Service to
// the workloads of its namespace that spec.selector selects. NodePort
// fails; LoadBalancer fails unless an internal-load-balancer annotation of
// a major cloud is set or every source range (spec.loadBalancerSourceRanges,
// or the service.beta.kubernetes.io/load-balancer-source-ranges
// annotation) is narrower than the whole internet.
//
// This is also the control "loadBalancerSourceRanges absent on an
// internet-facing LoadBalancer": the message says whether the ranges are
// missing or open. It is not a check of its own, because the Service would
// get two findings for one open door.

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// internalLoadBalancer reports whether the annotations ask the cloud for a
// private load balancer.
func internalLoadBalancer(a map[string]string) bool {
	switch {
	case strings.EqualFold(a["service.beta.kubernetes.io/aws-load-balancer-internal"], "true"),
		a["service.beta.kubernetes.io/aws-load-balancer-scheme"] == "internal",
		strings.EqualFold(a["service.beta.kubernetes.io/azure-load-balancer-internal"], "true"),
		a["networking.gke.io/load-balancer-type"] == "Internal",
		a["cloud.google.com/load-balancer-type"] == "Internal",
		strings.EqualFold(a["service.beta.kubernetes.io/oci-load-balancer-internal"], "true"):
		return true
	}
	return false
}

func openCIDR(c string) bool {
	c = strings.TrimSpace(c)
	return c == "0.0.0.0/0" || c == "::/0"
}

func checkServiceExposure() check.Check[*Object] {
	return check.Check[*Object]{
		Meta: meta("FC-NET-001", "Service exposes workloads outside the cluster", finding.SeverityMedium,
			"A LoadBalancer or NodePort Service makes the selected pods reachable from outside the cluster, often from the internet, bypassing ingress controllers and their TLS and authentication.",
			"Use a ClusterIP Service behind an Ingress or Gateway, or restrict the load balancer with loadBalancerSourceRanges or an internal load balancer. A LoadBalancer without source ranges is reported here (the message says so) rather than by a second check.",
			refNSA()),
		Eval: func(o *Object) []check.Violation {
			svc, ok := o.Typed.(*corev1.Service)
			if !ok {
				return nil
			}
			why := ""
			switch svc.Spec.Type {
			case corev1.ServiceTypeNodePort:
			case corev1.ServiceTypeLoadBalancer:
				if internalLoadBalancer(svc.Annotations) {
					return nil
				}
				ranges := svc.Spec.LoadBalancerSourceRanges
				why = "; it sets no loadBalancerSourceRanges"
				if len(ranges) == 0 && svc.Annotations[corev1.AnnotationLoadBalancerSourceRangesKey] != "" {
					ranges = strings.Split(svc.Annotations[corev1.AnnotationLoadBalancerSourceRangesKey], ",")
				}
				if len(ranges) > 0 {
					open := false
					for _, r := range ranges {
						open = open || openCIDR(r)
					}
					if !open {
						return nil
					}
					why = "; its source ranges include the whole internet"
				}
			default:
				return nil
			}
			var ports []string
			for _, p := range svc.Spec.Ports {
				s := fmt.Sprint(p.Port)
				if p.NodePort != 0 {
					s += fmt.Sprintf(" (node port %d)", p.NodePort)
				}
				ports = append(ports, s)
			}
			what := "selects no workload of this scan"
			if set := o.Set(); set != nil {
				if ws := set.Selected(o.Namespace, svc.Spec.Selector); len(ws) > 0 {
					names := make([]string, len(ws))
					for i, w := range ws {
						names[i] = w.Object.String()
					}
					what = "exposes " + strings.Join(names, ", ")
				}
			}
			msg := fmt.Sprintf("Service of type %s %s outside the cluster", svc.Spec.Type, what)
			if len(ports) > 0 {
				msg += " on port " + strings.Join(ports, ", ")
			}
			msg += why
			return []check.Violation{{Message: msg, Field: "spec.type"}}
		},
	}
}
