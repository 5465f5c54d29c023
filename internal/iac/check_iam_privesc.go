package iac

// Privilege escalation through IAM policy documents (FC-AWS-500 … 524).
// Inspects every statement of a PolicyDocument: Effect, Action and
// NotAction, Resource and NotResource, Principal and Condition. Allowed:
// no document whose statements, taken together, grant one of the
// permission sets below on every resource of the targeted kind.
//
// How a document is read:
//
//   - Actions match with IAM's wildcards, ignoring case ("iam:Put*",
//     "iam:?ttach*", "iam:*"). A NotAction statement allows every action it
//     does not list.
//   - A Deny removes what it matches when it is unconditional and applies
//     to every resource of the targeted kind ("*" or a covering ARN
//     pattern). A Deny that may do so (an unknown action list, an unknown
//     Effect or Condition) removes it too: unknown values never fire.
//   - Conditions on an Allow do not narrow a finding: they mostly limit
//     where from or how (MFA, source network, iam:PassedToService), not
//     what the holder may become.
//   - Resource scope: the permission an escalation turns against a target
//     (iam:PassRole on roles, iam:CreateAccessKey on users, …) counts only
//     when the statement's Resource covers a resource of that kind with an
//     arbitrary name: "*", NotResource, or an ARN pattern such as
//     arn:aws:iam::*:role/*. A statement naming its resources (role/app,
//     role/app-*) is a bounded delegation whose reach depends on the named
//     resources' own permissions, which a policy alone cannot judge; it is
//     not reported. The user's own ARN (user/${aws:username}) counts for
//     the methods that escalate on oneself (iam:PutUserPolicy,
//     iam:AttachUserPolicy), not for the others (one's own access key). The
//     partner permissions of a combination (ec2:RunInstances, …) count on
//     any known resource.
//   - Noise: a statement allowing Action "*" (or "*:*") is FC-AWS-060's
//     and counts for none of these checks. A statement allowing every IAM
//     action otherwise ("iam:*", NotAction without IAM) is reported once by
//     FC-AWS-500 and counts for no other check. Each other check reports a
//     document at most once, at the statement granting the permission the
//     escalation turns against its target.
//   - Statements with a Principal belong to resource or trust policies and
//     count only for FC-AWS-524 (a public principal): identity-policy
//     checks need a holder, and an IAM policy has no principal of its own.
//     Severity is HIGH (any holder can become administrator) and CRITICAL
//     only for FC-AWS-524.
//   - Permissions are judged document by document: a principal holding
//     iam:PassRole in one policy and ec2:RunInstances in another is not
//     seen.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// globMatch reports whether s matches an IAM pattern with '*' (any run of
// characters) and '?' (one character), ignoring case.
func globMatch(pattern, s string) bool {
	p, t := []rune(strings.ToLower(pattern)), []rune(strings.ToLower(s))
	pi, ti, star, mark := 0, 0, -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi++
			ti++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// target is the kind of resource a permission is turned against: the
// ARN's service and its resource part for a resource of arbitrary name.
type target struct {
	service, resource string
	// self lets user/${aws:username} count (escalation on oneself).
	self bool
}

const probeName = "fourc-probe-Zq9"

var (
	onRole     = &target{service: "iam", resource: "role/" + probeName}
	onUser     = &target{service: "iam", resource: "user/" + probeName}
	onSelf     = &target{service: "iam", resource: "user/" + probeName, self: true}
	onGroup    = &target{service: "iam", resource: "group/" + probeName}
	onPolicy   = &target{service: "iam", resource: "policy/" + probeName}
	onFunction = &target{service: "lambda", resource: "function:" + probeName}
	onEndpoint = &target{service: "glue", resource: "devEndpoint/" + probeName}
	onInstance = &target{service: "ec2", resource: "instance/i-" + probeName}
)

// covers reports whether a Resource pattern covers a target of arbitrary
// name (any resource when tg is nil: only "*").
func covers(pattern string, tg *target) bool {
	if pattern == "*" {
		return true
	}
	if tg == nil {
		return false
	}
	parts := strings.SplitN(pattern, ":", 6)
	if len(parts) != 6 || !strings.EqualFold(parts[0], "arn") {
		return false
	}
	res := parts[5]
	if tg.self {
		res = strings.ReplaceAll(res, "${aws:username}", probeName)
	}
	return globMatch(parts[2], tg.service) && globMatch(res, tg.resource)
}

// matchedBy returns the Action pattern of s that allows action, "NotAction"
// when a wholly known NotAction leaves it out.
func matchedBy(s *Statement, action string) (string, bool) {
	if s.NotActions.Explicit {
		if !s.NotActions.WhollyKnown() {
			return "", false
		}
		for _, p := range s.NotActions.Strings() {
			if globMatch(p, action) {
				return "", false
			}
		}
		return "NotAction", true
	}
	for _, p := range s.Actions.Strings() {
		if globMatch(p, action) {
			return p, true
		}
	}
	return "", false
}

// reaches reports whether an Allow statement applies to a target of
// arbitrary name (to some known resource when tg is nil).
func reaches(s *Statement, tg *target) bool {
	if s.NotResources.Explicit {
		if !s.NotResources.WhollyKnown() {
			return false
		}
		for _, p := range s.NotResources.Strings() {
			if covers(p, tg) {
				return false
			}
		}
		return true
	}
	if tg == nil {
		return len(s.Resources.Strings()) > 0
	}
	for _, p := range s.Resources.Strings() {
		if covers(p, tg) {
			return true
		}
	}
	return false
}

// mayDeny reports whether s is, or may be, an unconditional Deny of
// action on every resource of the target's kind (on "*" when tg is nil).
func mayDeny(s *Statement, action string, tg *target) bool {
	if s.Effect.Known && s.Effect.Val != "Deny" || s.Conditional.Known && s.Conditional.Val {
		return false
	}
	switch {
	case s.NotActions.Explicit && s.NotActions.WhollyKnown():
		if _, ok := matchedBy(s, action); !ok {
			return false
		}
	case s.NotActions.Explicit:
	case s.Actions.WhollyKnown():
		if _, ok := matchedBy(s, action); !ok {
			return false
		}
	}
	switch {
	case s.NotResources.Explicit:
		if !s.NotResources.WhollyKnown() {
			return true
		}
		if tg == nil && len(s.NotResources.Items) > 0 {
			return false
		}
		for _, p := range s.NotResources.Strings() {
			if covers(p, tg) {
				return false
			}
		}
		return true
	case !s.Resources.WhollyKnown():
		return true
	}
	for _, p := range s.Resources.Strings() {
		if covers(p, tg) {
			return true
		}
	}
	return false
}

// literalAll reports whether s allows Action "*" (FC-AWS-060's).
func literalAll(s *Statement) bool {
	return s.Effect.Is("Allow") && !s.NotActions.Explicit && s.Actions.Has("*", "*:*")
}

// iamProbes are IAM actions a statement must allow, with one of arbitrary
// name, to allow every IAM action.
func iamProbes() []string {
	return []string{"iam:" + probeName, "iam:PassRole", "iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion",
		"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:AttachUserPolicy",
		"iam:AttachGroupPolicy", "iam:AttachRolePolicy", "iam:PutUserPolicy", "iam:PutGroupPolicy",
		"iam:PutRolePolicy", "iam:AddUserToGroup", "iam:UpdateAssumeRolePolicy"}
}

// grant is where a document allows one permission.
type grant struct {
	stmt    int
	action  string
	pattern string
}

// named is the action, with the pattern that allows it when it differs.
func (g grant) named() string {
	switch {
	case g.pattern == "NotAction":
		return g.action + " (through NotAction)"
	case strings.EqualFold(g.pattern, g.action):
		return g.action
	}
	return fmt.Sprintf("%s (as %q)", g.action, g.pattern)
}

// policyView is a document with the statements each check considers.
type policyView struct {
	p *PolicyDocument
	// iamAdmin are the statements FC-AWS-500 reports.
	iamAdmin []int
	// skip marks statements no method check counts.
	skip []bool
	// denies are the identity statements that may deny something.
	denies []*Statement
}

func viewOf(p *PolicyDocument) *policyView {
	v := &policyView{p: p, skip: make([]bool, len(p.Statements))}
	for i := range p.Statements {
		s := &p.Statements[i]
		if len(s.Principals.Items) > 0 || !s.Principals.Known {
			v.skip[i] = true
			continue
		}
		if !s.Effect.Is("Allow") && !s.Conditional.Is(true) {
			v.denies = append(v.denies, s)
		}
	}
	for i := range p.Statements {
		s := &p.Statements[i]
		if v.skip[i] {
			continue
		}
		if literalAll(s) {
			v.skip[i] = true
			continue
		}
		if v.allowsAllIAM(i) {
			v.skip[i] = true
			v.iamAdmin = append(v.iamAdmin, i)
		}
	}
	return v
}

// allowsAllIAM reports whether statement i allows every IAM action on
// some IAM resource of arbitrary name, none of them denied.
func (v *policyView) allowsAllIAM(i int) bool {
	s := &v.p.Statements[i]
	if !s.Effect.Is("Allow") {
		return false
	}
	var tg *target
	for _, t := range []*target{onRole, onUser, onGroup, onPolicy} {
		if reaches(s, t) {
			tg = t
			break
		}
	}
	if tg == nil {
		return false
	}
	for _, a := range iamProbes() {
		if _, ok := matchedBy(s, a); !ok || v.denied(a, tg) {
			return false
		}
	}
	return true
}

func (v *policyView) denied(action string, tg *target) bool {
	for _, s := range v.denies {
		if mayDeny(s, action, tg) {
			return true
		}
	}
	return false
}

// allows returns the first statement counted by the method checks that
// allows one of actions on the target, unless a Deny removes it.
func (v *policyView) allows(tg *target, actions ...string) (grant, bool) {
	for i := range v.p.Statements {
		s := &v.p.Statements[i]
		if v.skip[i] || !s.Effect.Is("Allow") || !reaches(s, tg) {
			continue
		}
		for _, a := range actions {
			if p, ok := matchedBy(s, a); ok && !v.denied(a, tg) {
				return grant{stmt: i, action: a, pattern: p}, true
			}
		}
	}
	return grant{}, false
}

// need is one permission of an escalation: any of actions on the target.
type need struct {
	actions []string
	on      *target
}

func needs(on *target, actions ...string) need { return need{actions: actions, on: on} }

// escalation is one privilege-escalation method.
type escalation struct {
	id, title string
	// needs are all required; the first is the one turned against a
	// target, where the finding is located.
	needs []need
	// selfRole: a role's own policy escalates without sts:AssumeRole
	// (the last need), by changing the role itself.
	selfRole bool
	// gain says what the holder can do: "a holder can …".
	gain      string
	desc, fix string
	refs      []finding.Reference
}

func privescRefs(extra ...finding.Reference) []finding.Reference {
	return append([]finding.Reference{
		ref("MITRE ATT&CK T1098", "https://attack.mitre.org/techniques/T1098/"),
		ref("MITRE ATT&CK T1078.004", "https://attack.mitre.org/techniques/T1078/004/"),
		cwe(269),
		ref("Checkov CKV_AWS_286", ""),
		ref("Checkov CKV_AWS_110", ""),
		ref("Rhino Security Labs: AWS IAM privilege escalation methods", "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/"),
	}, extra...)
}

// roleDocument reports whether a document is a role's own inline policy.
func roleDocument(p *PolicyDocument) bool {
	return p.Type == "aws_iam_role_policy" || p.Type == "aws_iam_role" || p.Type == "AWS::IAM::Role"
}

func (e escalation) check() check.Check[*PolicyDocument] {
	return check.Check[*PolicyDocument]{
		Meta: cloud(e.id, e.title, finding.SeverityHigh, e.desc, e.fix, e.refs...),
		Eval: func(p *PolicyDocument) []check.Violation {
			v := viewOf(p)
			ns := e.needs
			if e.selfRole && roleDocument(p) {
				ns = ns[:len(ns)-1]
			}
			var gs []grant
			for _, n := range ns {
				g, ok := v.allows(n.on, n.actions...)
				if !ok {
					return nil
				}
				gs = append(gs, g)
			}
			names := make([]string, len(gs))
			for i, g := range gs {
				names[i] = g.named()
			}
			what := names[0]
			if len(names) > 1 {
				what += " with " + strings.Join(names[1:len(names)-1], ", ")
				if len(names) > 2 {
					what += " and "
				}
				what += names[len(names)-1]
			}
			var idx []int
			for _, g := range gs {
				if !slices.Contains(idx, g.stmt+1) {
					idx = append(idx, g.stmt+1)
				}
			}
			slices.Sort(idx)
			where := fmt.Sprintf("statement %d of %s allows", idx[0], p.Address)
			if len(idx) > 1 {
				nums := make([]string, len(idx))
				for i, n := range idx {
					nums[i] = fmt.Sprint(n)
				}
				where = fmt.Sprintf("statements %s and %s of %s allow", strings.Join(nums[:len(nums)-1], ", "), nums[len(nums)-1], p.Address)
			}
			viol := at(&p.Block, p.Statements[gs[0].stmt].Range, "Statement", "%s %s: %s", where, what, e.gain)
			viol.Discriminator = fmt.Sprint(gs[0].stmt)
			return []check.Violation{viol}
		},
	}
}

func checkIAMAllIAMActions() check.Check[*PolicyDocument] {
	return check.Check[*PolicyDocument]{
		Meta: cloud("FC-AWS-500", "IAM policy allows every IAM action", finding.SeverityHigh,
			"A statement allowing all of IAM (\"iam:*\", or a NotAction that leaves IAM out) lets its holder grant itself any permission, e.g. by attaching AdministratorAccess: it is administrator access under another name. Action \"*\" is FC-AWS-060's; the statement is reported once here rather than once per escalation method.",
			"Grant only the IAM actions the principal needs, on the ARNs it manages, and keep iam:Put*, iam:Attach*, iam:CreatePolicyVersion and iam:PassRole away from workloads.",
			privescRefs()...),
		Eval: func(p *PolicyDocument) []check.Violation {
			v := viewOf(p)
			var out []check.Violation
			for _, i := range v.iamAdmin {
				pattern, _ := matchedBy(&p.Statements[i], "iam:"+probeName)
				viol := at(&p.Block, p.Statements[i].Range, "Statement", "statement %d of %s allows every IAM action (%s): a holder can grant itself administrator access", i+1, p.Address, pattern)
				viol.Discriminator = fmt.Sprint(i)
				out = append(out, viol)
			}
			return out
		},
	}
}

// publicPrincipal reports whether a statement's principals include anyone.
func publicPrincipal(s *Statement) bool {
	return s.Principals.Has("*", "AWS:*")
}

func checkIAMPrivescPublic() check.Check[*PolicyDocument] {
	return check.Check[*PolicyDocument]{
		Meta: cloud("FC-AWS-524", "Policy grants a privilege-escalation permission to any principal", finding.SeverityCritical,
			"A statement whose Principal is \"*\" and that has no Condition grants its actions to every AWS account and to anonymous callers. When those actions include a privilege-escalation permission (IAM changes, iam:PassRole, code updates, remote commands), anyone can take over the account's identities.",
			"Name the trusted accounts or roles in Principal, add conditions such as aws:PrincipalOrgID, and remove IAM and code-execution actions from resource policies.",
			privescRefs(ref("MITRE ATT&CK T1190", "https://attack.mitre.org/techniques/T1190/"))...),
		Eval: func(p *PolicyDocument) []check.Violation {
			var out []check.Violation
			for i := range p.Statements {
				s := &p.Statements[i]
				if !s.Effect.Is("Allow") || !publicPrincipal(s) || !s.Conditional.Is(false) {
					continue
				}
				for _, a := range publicActions() {
					pat, ok := matchedBy(s, a)
					if !ok || !reaches(s, nil) {
						continue
					}
					g := grant{stmt: i, action: a, pattern: pat}
					viol := at(&p.Block, s.Range, "Statement", "statement %d of %s allows %s to any principal: anyone can escalate to the account's identities", i+1, p.Address, g.named())
					viol.Discriminator = fmt.Sprint(i)
					out = append(out, viol)
					break
				}
			}
			return out
		},
	}
}

// publicActions are the permissions FC-AWS-524 looks for: the first
// permission of every escalation method.
func publicActions() []string {
	var out []string
	for _, e := range escalations() {
		for _, a := range e.needs[0].actions {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out
}

// privescChecks returns the privilege-escalation checks.
func privescChecks() []check.Check[*PolicyDocument] {
	out := []check.Check[*PolicyDocument]{checkIAMAllIAMActions()}
	for _, e := range escalations() {
		out = append(out, e.check())
	}
	return append(out, checkIAMPrivescPublic())
}
