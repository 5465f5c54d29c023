package iac

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
)

// isTemplate reports whether the start of a YAML or JSON file looks like
// a CloudFormation template.
func isTemplate(head []byte) bool {
	return bytes.Contains(head, []byte("AWSTemplateFormatVersion")) ||
		(bytes.Contains(head, []byte("Resources")) && bytes.Contains(head, []byte("AWS::")))
}

// cfnTemplate is a parsed CloudFormation template. Intrinsic functions are
// resolved where that is exact (Ref to a parameter with a default, Sub
// without substitutions); everything else stays unknown, and Ref/GetAtt to
// a resource carry the resource's logical ID for identity.
type cfnTemplate struct {
	path   string
	params map[string]*yaml.Node
	res    map[string]bool
}

// cfnResource is one entry of Resources.
type cfnResource struct {
	id    string
	typ   string
	line  int
	props *yaml.Node
}

// loadTemplate reads a CloudFormation template (YAML or JSON) into a
// Module. A file that parses but is not a template yields no module.
//
// The YAML decoder refuses nesting deeper than 10000 levels and keeps
// aliases as nodes, never expanding them (nor does the extraction follow
// them); a template nested deeper than the depth budget is skipped.
func loadTemplate(ctx context.Context, fsys fs.FS, p string) (*Module, []finding.Skipped) {
	skip := func(reason string) []finding.Skipped {
		return []finding.Skipped{{Path: p, Scanner: scannerName, Reason: reason}}
	}
	data, err := readRegular(fsys, p, 0)
	if err != nil {
		return nil, skip(fmt.Sprintf("reading CloudFormation template: %v", err))
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, skip(fmt.Sprintf("parsing CloudFormation template: %s", oneLine(err.Error())))
	}
	if depth := limits.From(ctx).Depth; nodeDeeper(&doc, depth) {
		return nil, skip(fmt.Sprintf("parsing CloudFormation template: %v", limits.Exceeded("nesting depth", depth)))
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	resources := mapGet(root, "Resources")
	if resources == nil || resources.Kind != yaml.MappingNode {
		return nil, nil
	}
	t := &cfnTemplate{path: p, params: map[string]*yaml.Node{}, res: map[string]bool{}}
	if params := mapGet(root, "Parameters"); params != nil && params.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(params.Content); i += 2 {
			if d := mapGet(params.Content[i+1], "Default"); d != nil {
				t.params[params.Content[i].Value] = d
			}
		}
	}
	var list []cfnResource
	for i := 0; i+1 < len(resources.Content); i += 2 {
		k, v := resources.Content[i], resources.Content[i+1]
		t.res[k.Value] = true
		typ := mapGet(v, "Type")
		if typ == nil || typ.Kind != yaml.ScalarNode {
			continue
		}
		list = append(list, cfnResource{id: k.Value, typ: typ.Value, line: k.Line, props: mapGet(v, "Properties")})
	}
	m := &Module{Dir: p}
	b := &builder{m: m}
	ex := cfnExtractors()
	for _, r := range list {
		blk := Block{Type: r.typ, Address: r.id, Range: Range{Path: t.path, StartLine: r.line, EndLine: r.line}}
		if f := ex[r.typ]; f != nil {
			f(t, b, blk, r.props)
		}
		m.Resources = append(m.Resources, Resource{Block: blk, Format: FormatCloudFormation, node: &cfnNode{t: t, props: r.props, def: blk.Range}})
	}
	b.link()
	return m, nil
}

// nodeDeeper reports whether a YAML tree nests deeper than limit levels.
func nodeDeeper(n *yaml.Node, limit int) bool {
	if n == nil {
		return false
	}
	if limit < 0 {
		return true
	}
	for _, c := range n.Content {
		if nodeDeeper(c, limit-1) {
			return true
		}
	}
	return false
}

// mapGet returns the value of key in a mapping node, or nil.
func mapGet(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// path follows keys through nested mappings.
func dig(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		n = mapGet(n, k)
	}
	return n
}

// intrinsic returns the function name and argument of an intrinsic
// function node (short "!Ref x" or long {"Ref": "x"} form).
func intrinsic(n *yaml.Node) (string, *yaml.Node, bool) {
	if n == nil {
		return "", nil, false
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		name := strings.TrimPrefix(n.Tag, "!")
		if name != "Ref" && name != "Condition" {
			name = "Fn::" + name
		}
		return name, n, true
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k := n.Content[0].Value
		if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
			return k, n.Content[1], true
		}
	}
	return "", nil, false
}

var subVar = regexp.MustCompile(`\$\{([A-Za-z0-9_:.]+)\}`)

// scalar resolves a node to a string as far as it can be known.
func (t *cfnTemplate) scalar(n *yaml.Node, depth int) (string, bool, []string) {
	if n == nil || depth > 8 {
		return "", false, nil
	}
	fn, arg, ok := intrinsic(n)
	if !ok {
		if n.Kind == yaml.ScalarNode {
			return n.Value, true, nil
		}
		return "", false, nil
	}
	switch fn {
	case "Ref":
		name := arg.Value
		if t.res[name] {
			return "", false, []string{name}
		}
		if d, ok := t.params[name]; ok {
			return t.scalar(d, depth+1)
		}
	case "Fn::GetAtt":
		target := arg.Value
		if arg.Kind == yaml.SequenceNode && len(arg.Content) > 0 {
			target = arg.Content[0].Value
		}
		target, _, _ = strings.Cut(target, ".")
		if t.res[target] {
			return "", false, []string{target}
		}
	case "Fn::Sub":
		if arg.Kind == yaml.ScalarNode {
			var refs []string
			for _, m := range subVar.FindAllStringSubmatch(arg.Value, -1) {
				name, _, _ := strings.Cut(m[1], ".")
				if t.res[name] {
					refs = append(refs, name)
				}
			}
			if !strings.Contains(arg.Value, "${") {
				return arg.Value, true, nil
			}
			return "", false, refs
		}
	}
	return "", false, nil
}

func (t *cfnTemplate) rng(n *yaml.Node, def Range) Range {
	if n == nil {
		return def
	}
	return Range{Path: t.path, StartLine: n.Line, EndLine: n.Line}
}

func (t *cfnTemplate) str(n *yaml.Node, def Range, dflt ...string) Value[string] {
	if n == nil {
		if len(dflt) > 0 {
			return Default(dflt[0], def)
		}
		return Unknown[string](def)
	}
	s, known, refs := t.scalar(n, 0)
	return Value[string]{Val: s, Known: known, Explicit: true, Range: t.rng(n, def), Refs: refs}
}

func (t *cfnTemplate) boolean(n *yaml.Node, def Range, dflt ...bool) Value[bool] {
	if n == nil {
		if len(dflt) > 0 {
			return Default(dflt[0], def)
		}
		return Unknown[bool](def)
	}
	s := t.str(n, def)
	v := Value[bool]{Explicit: true, Range: s.Range, Refs: s.Refs}
	if s.Known {
		switch strings.ToLower(s.Val) {
		case "true":
			v.Val, v.Known = true, true
		case "false":
			v.Known = true
		}
	}
	return v
}

func (t *cfnTemplate) integer(n *yaml.Node, def Range, dflt ...int) Value[int] {
	if n == nil {
		if len(dflt) > 0 {
			return Default(dflt[0], def)
		}
		return Unknown[int](def)
	}
	s := t.str(n, def)
	v := Value[int]{Explicit: true, Range: s.Range, Refs: s.Refs}
	if i, err := strconv.Atoi(strings.TrimSpace(s.Val)); s.Known && err == nil {
		v.Val, v.Known = i, true
	}
	return v
}

func (t *cfnTemplate) list(n *yaml.Node, def Range) List {
	if n == nil {
		return List{Known: true, Range: def}
	}
	l := List{Explicit: true, Range: t.rng(n, def)}
	if _, _, isFn := intrinsic(n); isFn || n.Kind != yaml.SequenceNode {
		if isFn {
			return l
		}
		l.Known = true
		l.Items = []Value[string]{t.str(n, def)}
		return l
	}
	l.Known = true
	for _, it := range n.Content {
		l.Items = append(l.Items, t.str(it, def))
	}
	return l
}

// items returns the elements of a sequence node (nil for anything else).
func items(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	if _, _, isFn := intrinsic(n); isFn {
		return nil
	}
	return n.Content
}

// cfnExtractor reads one CloudFormation resource's properties p into the
// module's models; blk carries its type, logical ID and line.
type cfnExtractor func(t *cfnTemplate, b *builder, blk Block, p *yaml.Node)

// cfnExtractors maps a CloudFormation resource type to its extractor.
func cfnExtractors() map[string]cfnExtractor {
	return map[string]cfnExtractor{
		"AWS::S3::Bucket":                         (*cfnTemplate).s3Bucket,
		"AWS::EC2::SecurityGroup":                 (*cfnTemplate).securityGroup,
		"AWS::EC2::SecurityGroupIngress":          (*cfnTemplate).securityGroupIngress,
		"AWS::EC2::Volume":                        (*cfnTemplate).volume,
		"AWS::EC2::Instance":                      (*cfnTemplate).instance,
		"AWS::EC2::LaunchTemplate":                (*cfnTemplate).launchTemplate,
		"AWS::RDS::DBInstance":                    (*cfnTemplate).dbInstance,
		"AWS::RDS::DBCluster":                     (*cfnTemplate).dbCluster,
		"AWS::EKS::Cluster":                       (*cfnTemplate).eksCluster,
		"AWS::IAM::Policy":                        (*cfnTemplate).iamPolicy,
		"AWS::IAM::ManagedPolicy":                 (*cfnTemplate).iamPolicy,
		"AWS::IAM::Role":                          (*cfnTemplate).iamIdentity,
		"AWS::IAM::User":                          (*cfnTemplate).iamIdentity,
		"AWS::IAM::Group":                         (*cfnTemplate).iamIdentity,
		"AWS::CloudTrail::Trail":                  (*cfnTemplate).trail,
		"AWS::EC2::VPC":                           (*cfnTemplate).vpc,
		"AWS::EC2::FlowLog":                       (*cfnTemplate).flowLog,
		"AWS::KMS::Key":                           (*cfnTemplate).kmsKey,
		"AWS::ECR::Repository":                    (*cfnTemplate).ecrRepository,
		"AWS::ECR::RegistryScanningConfiguration": (*cfnTemplate).registryScanning,
		"AWS::EFS::FileSystem":                    (*cfnTemplate).efs,
	}
}

// firstARN returns the AdministratorAccess ARN if the list holds it, else
// the first item (or unknown).
func firstARN(l List, d Range) Value[string] {
	for _, it := range l.Items {
		if it.Known && strings.HasSuffix(it.Val, ":"+adminPolicy) {
			return it
		}
	}
	return Unknown[string](d)
}

func (t *cfnTemplate) ingress(blk Block, group string, n *yaml.Node) *SecurityGroupRule {
	d := blk.Range
	src := List{Known: true, Range: d}
	for _, k := range []string{"CidrIp", "CidrIpv6"} {
		if c := mapGet(n, k); c != nil {
			v := t.str(c, d)
			src.Items = append(src.Items, v)
			src.Explicit, src.Range = true, v.Range
		}
	}
	return &SecurityGroupRule{
		Block:    blk,
		Group:    group,
		Protocol: t.str(mapGet(n, "IpProtocol"), d),
		FromPort: t.integer(mapGet(n, "FromPort"), d),
		ToPort:   t.integer(mapGet(n, "ToPort"), d),
		Sources:  src,
	}
}

func (t *cfnTemplate) devices(in *Instance, n *yaml.Node, d Range) {
	for _, bd := range items(n) {
		ebs := mapGet(bd, "Ebs")
		if ebs == nil {
			continue
		}
		enc := t.boolean(mapGet(ebs, "Encrypted"), t.rng(ebs, d), false)
		if mapGet(ebs, "SnapshotId") != nil && !enc.Explicit {
			enc = Unknown[bool](t.rng(ebs, d))
		}
		in.BlockDevices = append(in.BlockDevices, BlockDevice{Name: t.str(mapGet(bd, "DeviceName"), d).Val, Range: t.rng(ebs, d), Encrypted: enc})
	}
}

func (t *cfnTemplate) policy(blk Block, doc *yaml.Node, d Range) *PolicyDocument {
	p := &PolicyDocument{Block: blk, User: Unknown[string](d)}
	st := mapGet(doc, "Statement")
	sts := items(st)
	if st != nil && st.Kind == yaml.MappingNode {
		sts = []*yaml.Node{st}
	}
	for _, s := range sts {
		r := t.rng(s, d)
		stmt := Statement{Range: r, Effect: t.str(mapGet(s, "Effect"), r)}
		stmt.Actions = t.list(mapGet(s, "Action"), r)
		stmt.Resources = t.list(mapGet(s, "Resource"), r)
		stmt.NotActions = t.list(mapGet(s, "NotAction"), r)
		stmt.NotResources = t.list(mapGet(s, "NotResource"), r)
		stmt.Principals = t.principals(mapGet(s, "Principal"), r)
		cond := mapGet(s, "Condition") != nil
		stmt.Conditional = Value[bool]{Val: cond, Known: true, Explicit: cond, Range: r}
		p.Statements = append(p.Statements, stmt)
	}
	return p
}

// principals reads a statement's Principal as "TYPE:ID" items ("*" for
// Principal "*").
func (t *cfnTemplate) principals(n *yaml.Node, r Range) List {
	if n == nil || n.Kind != yaml.MappingNode {
		return t.list(n, r)
	}
	l := List{Known: true, Explicit: true, Range: t.rng(n, r)}
	if _, _, isFn := intrinsic(n); isFn {
		l.Known = false
		return l
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		ids := t.list(n.Content[i+1], r)
		l.Known = l.Known && ids.Known
		for _, id := range ids.Items {
			id.Val = n.Content[i].Value + ":" + id.Val
			l.Items = append(l.Items, id)
		}
	}
	return l
}
