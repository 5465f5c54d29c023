package rbac

import (
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// aggregator is a ClusterRole with an aggregation rule.
type aggregator struct {
	name string
	sels []labels.Selector
}

// aggregate resolves every aggregation rule to a fixed point: each pass
// adds to each aggregated role the current rules of the roles it selects,
// until a pass adds nothing. A selector that does not parse, or selects
// everything, is ignored (the API server rejects the first and the
// controller ignores the second).
func (p *Policy) aggregate() {
	names := make([]string, 0, len(p.clusterRoles))
	for n := range p.clusterRoles {
		names = append(names, n)
	}
	slices.Sort(names)
	var aggs []aggregator
	for _, n := range names {
		cr := p.clusterRoles[n]
		if cr.AggregationRule == nil {
			continue
		}
		a := aggregator{name: n}
		for _, ls := range cr.AggregationRule.ClusterRoleSelectors {
			if s, err := metav1.LabelSelectorAsSelector(&ls); err == nil && !s.Empty() {
				a.sels = append(a.sels, s)
			}
		}
		aggs = append(aggs, a)
		p.aggregated[n] = own(cr.Rules)
	}
	for changed := true; changed; {
		changed = false
		for _, a := range aggs {
			changed = p.absorb(a, names) || changed
		}
	}
}

// absorb adds to a's rules the rules of the roles it selects that it does
// not have yet, and reports whether it added any.
func (p *Policy) absorb(a aggregator, names []string) bool {
	rules := p.aggregated[a.name]
	added := false
	for _, n := range names {
		other := p.clusterRoles[n]
		if n == a.name || !selects(a.sels, other.Labels) {
			continue
		}
		for _, rule := range p.ClusterRoleRules(n) {
			if slices.ContainsFunc(rules, func(x Rule) bool { return equalRule(x.PolicyRule, rule.PolicyRule) }) {
				continue
			}
			if rule.From == "" {
				rule.From = n
			}
			rules = append(rules, rule)
			added = true
		}
	}
	p.aggregated[a.name] = rules
	return added
}

func selects(sels []labels.Selector, l map[string]string) bool {
	return slices.ContainsFunc(sels, func(s labels.Selector) bool { return s.Matches(labels.Set(l)) })
}

func equalRule(a, b rbacv1.PolicyRule) bool {
	return slices.Equal(a.Verbs, b.Verbs) && slices.Equal(a.APIGroups, b.APIGroups) && slices.Equal(a.Resources, b.Resources) &&
		slices.Equal(a.ResourceNames, b.ResourceNames) && slices.Equal(a.NonResourceURLs, b.NonResourceURLs)
}
