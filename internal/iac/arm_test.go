package iac

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

func loadARMFile(t *testing.T, name, src string) *Module {
	t.Helper()
	m, sk := loadARM(testLimits(t.Context()), fstest.MapFS{name: {Data: []byte(src)}}, name)
	if len(sk) > 0 {
		t.Fatalf("skipped: %v", sk)
	}
	if m == nil {
		t.Fatal("no module")
	}
	return m
}

func TestARMResources(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "golden", "arm", "azuredeploy.json"))
	if err != nil {
		t.Fatal(err)
	}
	m := loadARMFile(t, "azuredeploy.json", string(src))
	var got []string
	for _, r := range m.Resources {
		if r.Format != FormatARM || r.node == nil || r.Range.Path != "azuredeploy.json" {
			t.Errorf("resource %s: format %q, node %v, path %q", r.Address, r.Format, r.node, r.Range.Path)
		}
		got = append(got, r.Type+" "+r.Address+" "+lines(r.Range))
	}
	want := []string{
		"Microsoft.Storage/storageAccounts fourcstore 19-32",
		"Microsoft.Sql/servers fourc-sql-weu 33-51",
		"Microsoft.Sql/servers/firewallRules fourc-sql-weu/AllowAll 43-49",
		"Microsoft.Network/networkSecurityGroups web-nsg 52-87",
		"Microsoft.ContainerService/managedClusters Fourc-aks 88-103",
		"Microsoft.KeyVault/vaults Fourc-kv 104-116",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("resources (-want +got):\n%s", diff)
	}
	res := func(i int) node { return m.Resources[i].node }

	// Attributes: names without case, full nested values, lines.
	tests := []struct {
		res   int
		name  string
		want  cty.Value
		lines string
	}{
		{0, "kind", cty.StringVal("StorageV2"), "26-26"},
		{0, "Location", cty.DynamicVal, "23-23"},
		{0, "sku", cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("Standard_LRS")}), "25-25"},
		{0, "tags", cty.ObjectVal(map[string]cty.Value{"env": cty.StringVal("prod"), "owner": cty.StringVal("[platform]"), "app": cty.StringVal("web")}), "24-24"},
		{0, "properties", cty.ObjectVal(map[string]cty.Value{
			"supportsHttpsTrafficOnly": cty.False,
			"minimumTlsVersion":        cty.StringVal("TLS1_0"),
			"allowBlobPublicAccess":    cty.True,
		}), "27-31"},
		{1, "properties", cty.ObjectVal(map[string]cty.Value{
			"administratorLogin":  cty.DynamicVal,
			"publicNetworkAccess": cty.StringVal("Enabled"),
		}), "38-41"},
		{2, "type", cty.StringVal("Microsoft.Sql/servers/firewallRules"), "44-44"},
		{2, "name", cty.StringVal("fourc-sql-weu/AllowAll"), "46-46"},
		{2, "dependsOn", cty.TupleVal([]cty.Value{cty.DynamicVal}), "47-47"},
		{2, "properties", cty.ObjectVal(map[string]cty.Value{"startIpAddress": cty.StringVal("0.0.0.0"), "endIpAddress": cty.StringVal("255.255.255.255")}), "48-48"},
		{4, "identity", cty.ObjectVal(map[string]cty.Value{"type": cty.StringVal("SystemAssigned")}), "93-93"},
		{4, "apiVersion", cty.StringVal("2024-02-01"), "90-90"},
		{5, "properties", cty.ObjectVal(map[string]cty.Value{
			"tenantId":              cty.DynamicVal,
			"sku":                   cty.ObjectVal(map[string]cty.Value{"family": cty.StringVal("A"), "name": cty.StringVal("standard")}),
			"enableSoftDelete":      cty.True,
			"enablePurgeProtection": cty.True,
			"networkAcls":           cty.ObjectVal(map[string]cty.Value{"defaultAction": cty.StringVal("Allow"), "bypass": cty.StringVal("AzureServices")}),
		}), "109-115"},
	}
	for _, tc := range tests {
		v, r, ok := res(tc.res).attr(tc.name)
		if !ok {
			t.Errorf("%s.%s: not set", m.Resources[tc.res].Address, tc.name)
			continue
		}
		if !v.RawEquals(tc.want) {
			t.Errorf("%s.%s = %#v, want %#v", m.Resources[tc.res].Address, tc.name, v, tc.want)
		}
		if got := lines(r); got != tc.lines {
			t.Errorf("%s.%s: lines %s, want %s", m.Resources[tc.res].Address, tc.name, got, tc.lines)
		}
	}
	if _, _, ok := res(1).attr("resources"); ok {
		t.Error("the nested children are a property of their parent")
	}
	if _, _, ok := res(0).attr("missing"); ok {
		t.Error("a missing property is set")
	}

	// Blocks: properties as a node, arrays of objects as nodes.
	props, ok := first(res(3), "properties")
	if !ok {
		t.Fatal("NSG has no properties block")
	}
	rules := props.blocks("securityRules")
	if len(rules) != 2 {
		t.Fatalf("security rules = %d, want 2", len(rules))
	}
	if got := lines(rules[1].rng()); got != "72-84" {
		t.Errorf("second rule at %s, want 72-84", got)
	}
	rp, _ := first(rules[1], "properties")
	if v := getString(rp, "SOURCEADDRESSPREFIX"); !v.Is("203.0.113.0/24") || v.Range.StartLine != 79 {
		t.Errorf("sourceAddressPrefix = %+v, want the parameter's default at line 79", v)
	}
	if l := getList(first1(rules[0], "properties"), "destinationPortRanges"); !l.WhollyKnown() || strings.Join(l.Strings(), ",") != "22,2222" {
		t.Errorf("destinationPortRanges = %+v", l)
	}
	pools := first1(res(4), "properties").blocks("agentPoolProfiles")
	if len(pools) != 1 || !getInt(pools[0], "count").Is(3) || pools[0].rng().StartLine != 100 {
		t.Errorf("agent pools = %+v", pools)
	}

	// Typed models.
	if len(m.Azure.StorageAccounts) != 1 {
		t.Fatalf("storage accounts = %d", len(m.Azure.StorageAccounts))
	}
	sa := m.Azure.StorageAccounts[0]
	if !sa.HTTPSOnly.Is(false) || sa.HTTPSOnly.Range.StartLine != 28 || !sa.MinTLS.Is("TLS1_0") || !sa.PublicBlobs.Is(true) {
		t.Errorf("storage account = %+v", sa)
	}
	if len(m.Azure.SecurityRules) != 2 || m.Azure.SecurityRules[0].Name.Val != "ssh" || !m.Azure.SecurityRules[0].Sources.Has("*") {
		t.Errorf("security rules = %+v", m.Azure.SecurityRules)
	}
	if len(m.Azure.KubernetesClusters) != 1 {
		t.Fatal("no AKS cluster")
	}
	aks := m.Azure.KubernetesClusters[0]
	if !aks.RBAC.Is(false) || !aks.LocalAccountDisabled.Is(false) || !aks.AuthorizedIPRanges.Known || len(aks.AuthorizedIPRanges.Items) != 0 || !aks.Private.Is(false) {
		t.Errorf("AKS = %+v", aks)
	}
}

func first1(n node, name string) node {
	b, _ := first(n, name)
	return b
}

func lines(r Range) string {
	return strings.Join([]string{itoa(r.StartLine), itoa(r.EndLine)}, "-")
}

func itoa(i int) string { return cty.NumberIntVal(int64(i)).AsBigFloat().Text('f', 0) }

func TestGoldenARM(t *testing.T) {
	fs, sk := scanTree(t, os.DirFS(filepath.Join("testdata", "golden", "arm")))
	golden(t, "arm", fs, sk)
}

func TestARMExpressions(t *testing.T) {
	const tmpl = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "name": {"type": "string", "defaultValue": "Web"},
    "count": {"type": "int", "defaultValue": 3},
    "tags": {"type": "object", "defaultValue": {"a": "1", "nested": {"x": 1}}},
    "derived": {"type": "string", "defaultValue": "[concat(parameters('name'), '-', parameters('count'))]"},
    "noDefault": {"type": "string"}
  },
  "variables": {
    "list": ["a", "b", "c"],
    "obj": {"Key": "v", "inner": {"deep": [1, 2]}},
    "loopA": "[variables('loopB')]",
    "loopB": "[concat(variables('loopA'), 'x')]",
    "copy": [{"name": "copied", "count": 2, "input": "[copyIndex('copied')]"}]
  },
  "resources": [{"type": "Test/things", "name": "t", "properties": {"e": "[x]"}}]
}`
	m := loadARMFile(t, "t.json", tmpl)
	tpl := newARMTemplate(newGuard(testLimits(t.Context())), "t.json", mustParse(t, tmpl))
	s := cty.StringVal
	n := func(i int64) cty.Value { return cty.NumberIntVal(i) }
	tests := []struct {
		expr string
		want cty.Value
	}{
		{"plain", s("plain")},
		{"[[escaped]", s("[escaped]")},
		{"[[not an expression", s("[[not an expression")},
		{"[parameters('name')]", s("Web")},
		{"[parameters('NAME')]", s("Web")},
		{"[parameters('derived')]", s("Web-3")},
		{"[parameters('noDefault')]", cty.DynamicVal},
		{"[parameters('missing')]", cty.DynamicVal},
		{"[parameters('tags').nested.x]", n(1)},
		{"[parameters('tags')['a']]", s("1")},
		{"[variables('list')[1]]", s("b")},
		{"[variables('obj').key]", s("v")},
		{"[variables('obj').inner.deep[0]]", n(1)},
		{"[variables('loopA')]", cty.DynamicVal},
		{"[variables('copied')]", cty.DynamicVal},
		{"[concat('a', 'b', 1)]", s("ab1")},
		{"[concat(variables('list'), createArray('d'))]", cty.TupleVal([]cty.Value{s("a"), s("b"), s("c"), s("d")})},
		{"[concat('a', resourceGroup().location)]", cty.DynamicVal},
		{"[format('{0}-{1}-{{x}}', 'a', 2)]", s("a-2-{x}")},
		{"[format('{0:D2}', 5)]", cty.DynamicVal},
		{"[format('{3}', 'a')]", cty.DynamicVal},
		{"[resourceId('Microsoft.Sql/servers', 'x')]", cty.DynamicVal},
		{"[reference('x').primaryEndpoints.blob]", cty.DynamicVal},
		{"[uniqueString(resourceGroup().id)]", cty.DynamicVal},
		{"[toLower('ABC')]", s("abc")},
		{"[toUpper('abc')]", s("ABC")},
		{"[trim('  a ')]", s("a")},
		{"[replace('a-b-c', '-', '_')]", s("a_b_c")},
		{"[split('a,b;c', createArray(',', ';'))]", cty.TupleVal([]cty.Value{s("a"), s("b"), s("c")})},
		{"[join(variables('list'), '+')]", s("a+b+c")},
		{"[substring('abcdef', 1, 3)]", s("bcd")},
		{"[padLeft('7', 3, '0')]", s("007")},
		{"[startsWith('Hello', 'he')]", cty.True},
		{"[endsWith('Hello', 'LO')]", cty.True},
		{"[indexOf('abcabc', 'C')]", n(2)},
		{"[if(equals(parameters('count'), 3), 'three', 'other')]", s("three")},
		{"[if(true(), 'yes', reference('x'))]", s("yes")},
		{"[if(parameters('noDefault'), 'a', 'b')]", cty.DynamicVal},
		{"[equals('a', 'A')]", cty.DynamicVal},
		{"[equals(1, 2)]", cty.False},
		{"[and(true(), false(), parameters('noDefault'))]", cty.False},
		{"[or(parameters('noDefault'), true())]", cty.True},
		{"[and(true(), parameters('noDefault'))]", cty.DynamicVal},
		{"[not(bool('false'))]", cty.True},
		{"[int('42')]", n(42)},
		{"[string(true())]", s("True")},
		{"[add(2, mul(3, 4))]", n(14)},
		{"[div(7, 0)]", cty.DynamicVal},
		{"[greater(2, 1)]", cty.True},
		{"[max(variables('obj').inner.deep)]", n(2)},
		{"[length(variables('list'))]", n(3)},
		{"[empty(createArray())]", cty.True},
		{"[contains(variables('list'), 'c')]", cty.True},
		{"[contains(variables('obj'), 'KEY')]", cty.True},
		{"[first(variables('list'))]", s("a")},
		{"[last('xyz')]", s("z")},
		{"[take(variables('list'), 2)]", cty.TupleVal([]cty.Value{s("a"), s("b")})},
		{"[skip(variables('list'), 5)]", cty.EmptyTupleVal},
		{"[range(1, 3)]", cty.TupleVal([]cty.Value{n(1), n(2), n(3)})},
		{"[union(parameters('tags'), createObject('nested', createObject('y', 2)))]", cty.ObjectVal(map[string]cty.Value{
			"a": s("1"), "nested": cty.ObjectVal(map[string]cty.Value{"x": n(1), "y": n(2)}),
		})},
		{"[union(variables('list'), createArray('a', 'd'))]", cty.TupleVal([]cty.Value{s("a"), s("b"), s("c"), s("d")})},
		{"[coalesce(null(), 'x')]", s("x")},
		{"[json('{\"a\": [true]}').a[0]]", cty.True},
		{"[base64ToString(base64('hi'))]", s("hi")},
		{"[myns.myfunc('a')]", cty.DynamicVal},
		{"[copyIndex()]", cty.DynamicVal},
		{"[concat('unterminated]", cty.DynamicVal},
		{"[concat('a' 'b')]", cty.DynamicVal},
		{"[bareword]", cty.DynamicVal},
		{"[ concat( 'a' , 'b' ) ]", s("ab")},
		{"['it''s']", s("it's")},
	}
	for _, tc := range tests {
		got := tpl.str(tc.expr)
		if !got.RawEquals(tc.want) {
			t.Errorf("%s = %#v, want %#v", tc.expr, got, tc.want)
		}
	}
	if tpl.g.err != nil {
		t.Errorf("budget error: %v", tpl.g.err)
	}
	if v, _, ok := m.Resources[0].node.attr("properties"); !ok || !v.RawEquals(cty.ObjectVal(map[string]cty.Value{"e": cty.DynamicVal})) {
		t.Errorf("properties = %#v", v)
	}
}

func mustParse(t *testing.T, src string) *jnode {
	t.Helper()
	b := []byte(src)
	stripJSONComments(b)
	n, err := parseLinedJSON(newGuard(testLimits(t.Context())), b)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestARMShapes covers detection, symbolic names, conditions, copy loops,
// child resources declared with their full type, and files that are not
// templates.
func TestARMShapes(t *testing.T) {
	fsys := fstest.MapFS{
		"sub.json": {Data: []byte(`{
  "$schema": "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"deploy": {"type": "bool", "defaultValue": false}},
  "resources": [
    {"type": "Microsoft.Resources/resourceGroups", "name": "rg", "location": "westeurope"},
    {"condition": "[parameters('deploy')]", "type": "Microsoft.Compute/disks", "name": "skipped",
     "resources": [{"type": "snapshots", "name": "child"}]},
    {"type": "Microsoft.Network/networkSecurityGroups/securityRules", "name": "nsg/rdp",
     "copy": {"name": "loop", "count": 2},
     "properties": {"direction": "Inbound", "access": "Allow", "protocol": "*",
       "sourceAddressPrefix": "Internet", "destinationPortRange": "[string(add(3388, copyIndex()))]"}}
  ]
}`)},
		"v2.json": {Data: []byte(`{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "languageVersion": "2.0",
  "contentVersion": "1.0.0.0",
  "resources": {
    "existingVnet": {"existing": true, "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-04-01", "name": "vnet"},
    "disk": {"type": "Microsoft.Compute/disks", "apiVersion": "2023-04-02", "name": "data",
      "properties": {"encryptionSettingsCollection": {"enabled": false}}},
    "sa": {"type": "Microsoft.Storage/storageAccounts", "name": "sa1",
      "properties": {"copy": [{"name": "networkAcls", "count": 1, "input": {}}]},
      "resources": [{"type": "Microsoft.Storage/storageAccounts/blobServices/containers", "name": "sa1/default/public",
        "properties": {"publicAccess": "Container"}}]}
  }
}`)},
		"nocontent.json":              {Data: []byte(`{"contentVersion": "1.0.0.0", "resources": [{"type": "Microsoft.Compute/disks", "name": "d"}]}`)},
		"azuredeploy.parameters.json": {Data: []byte(`{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "contentVersion": "1.0.0.0", "parameters": {}}`)},
		"package.json":                {Data: []byte(`{"name": "x", "resources": []}`)},
		"main.bicep":                  {Data: []byte(`resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = {}`)},
	}
	got := map[string][]string{}
	for _, p := range []string{"sub.json", "v2.json", "nocontent.json", "azuredeploy.parameters.json", "package.json", "main.bicep"} {
		m, sk := loadDocument(testLimits(t.Context()), fsys, p)
		if len(sk) > 0 {
			t.Errorf("%s: skipped %v", p, sk)
		}
		if m == nil {
			continue
		}
		for _, r := range m.Resources {
			got[p] = append(got[p], r.Type+" "+r.Address)
		}
	}
	want := map[string][]string{
		"sub.json": {"Microsoft.Resources/resourceGroups rg", "Microsoft.Network/networkSecurityGroups/securityRules nsg/rdp"},
		"v2.json": {
			"Microsoft.Compute/disks disk",
			"Microsoft.Storage/storageAccounts sa",
			"Microsoft.Storage/storageAccounts/blobServices/containers sa1/default/public",
		},
		"nocontent.json": {"Microsoft.Compute/disks d"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
	if NewScanner(Options{}).Wants("main.bicep") {
		t.Error("Bicep files are wanted")
	}
	m, _ := loadDocument(testLimits(t.Context()), fsys, "v2.json")
	if len(m.Azure.ManagedDisks) != 1 || !m.Azure.ManagedDisks[0].EncryptionEnabled.Is(false) {
		t.Errorf("disks = %+v", m.Azure.ManagedDisks)
	}
	if len(m.Azure.StorageContainers) != 1 || !m.Azure.StorageContainers[0].AccessType.Is("container") {
		t.Errorf("containers = %+v", m.Azure.StorageContainers)
	}
	if v, _, ok := first1(m.Resources[1].node, "properties").attr("networkAcls"); !ok || v.IsKnown() {
		t.Errorf("a property built by a copy loop = %#v, want unknown", v)
	}
	m, _ = loadDocument(testLimits(t.Context()), fsys, "sub.json")
	if len(m.Azure.SecurityRules) != 1 || m.Azure.SecurityRules[0].Ports.WhollyKnown() {
		t.Errorf("rules = %+v, want one whose port is unknown", m.Azure.SecurityRules)
	}
}

// TestARMFixtures scans every ARM template among the check fixtures on its
// own: those under fail/ must report their check, those under pass/ not.
func TestARMFixtures(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "checks", "*", "*", "azuredeploy.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no ARM fixtures: %v", err)
	}
	for _, p := range paths {
		id, kind := filepath.Base(filepath.Dir(filepath.Dir(p))), filepath.Base(filepath.Dir(p))
		fsys := os.DirFS(filepath.Dir(p))
		fs, sk := NewScanner(Options{}).Scan(t.Context(), fsys, []string{filepath.Base(p)})
		if len(sk) > 0 {
			t.Errorf("%s: skipped %v", p, sk)
		}
		hit := false
		for _, f := range fs {
			if f.CheckID == id {
				hit = true
				if f.Location.StartLine == 0 {
					t.Errorf("%s: finding without a line: %v", p, f)
				}
			}
		}
		if hit != (kind == "fail") {
			t.Errorf("%s: %s reported = %v", p, id, hit)
		}
	}
}

func TestARMNestedDeployments(t *testing.T) {
	src := `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"tls": {"type": "string", "defaultValue": "TLS1_0"}},
  "variables": {"name": "outerstore"},
  "resources": [
    {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "outerScope",
     "properties": {"mode": "Incremental", "template": {
       "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
       "contentVersion": "1.0.0.0",
       "resources": [{"type": "Microsoft.Storage/storageAccounts", "name": "[variables('name')]",
         "properties": {"minimumTlsVersion": "[parameters('tls')]"}}]}}},
    {"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "innerScope",
     "properties": {"mode": "Incremental", "expressionEvaluationOptions": {"scope": "inner"},
       "parameters": {"tls": {"value": "[parameters('tls')]"}, "https": {"value": false}},
       "template": {
         "contentVersion": "1.0.0.0",
         "parameters": {"tls": {"type": "string", "defaultValue": "TLS1_2"}, "https": {"type": "bool"}, "name": {"type": "string", "defaultValue": "innerstore"}},
         "resources": [{"type": "Microsoft.Storage/storageAccounts", "name": "[parameters('name')]",
           "properties": {"minimumTlsVersion": "[parameters('tls')]", "supportsHttpsTrafficOnly": "[parameters('https')]"}}]}}}
  ]
}`
	m := loadARMFile(t, "nested.json", src)
	var got []string
	for _, a := range m.Azure.StorageAccounts {
		got = append(got, a.Address+" "+a.MinTLS.Val+" "+itoa(a.MinTLS.Range.StartLine)+" "+strings.ToLower(cty.BoolVal(a.HTTPSOnly.Val).GoString()))
	}
	want := []string{"outerstore TLS1_0 12 cty.true", "innerstore TLS1_0 20 cty.false"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("storage accounts (-want +got):\n%s", diff)
	}
	if len(m.Resources) != 4 {
		t.Errorf("resources = %d, want the two deployments and their two accounts", len(m.Resources))
	}
}

// TestARMUnknownDoesNotFire checks that values depending on the deployment
// (parameters without defaults, references, unknown functions) fire no
// check, while the same template with known values fires each.
func TestARMUnknownDoesNotFire(t *testing.T) {
	const src = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {"v": {"type": "string"%s}},
  "resources": [
    {"type": "Microsoft.Storage/storageAccounts", "name": "sa", "properties": {
      "supportsHttpsTrafficOnly": "[bool(parameters('v'))]", "minimumTlsVersion": "[concat('TLS1_', if(bool(parameters('v')), '1', '0'))]",
      "allowBlobPublicAccess": "[not(bool(parameters('v')))]"}},
    {"type": "Microsoft.Storage/storageAccounts/blobServices/containers", "name": "sa/default/c", "properties": {"publicAccess": "[if(bool(parameters('v')), 'None', 'Blob')]"}},
    {"type": "Microsoft.Network/networkSecurityGroups/securityRules", "name": "nsg/r", "properties": {
      "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "[if(bool(parameters('v')), '10.0.0.0/8', '*')]", "destinationPortRange": "22"}},
    {"type": "Microsoft.ContainerService/managedClusters", "name": "aks", "properties": {
      "enableRBAC": "[bool(parameters('v'))]", "disableLocalAccounts": "[bool(parameters('v'))]",
      "apiServerAccessProfile": {"authorizedIPRanges": "[if(bool(parameters('v')), createArray('10.0.0.0/8'), createArray())]"}}},
    {"type": "Microsoft.Compute/disks", "name": "d", "properties": {"encryptionSettingsCollection": {"enabled": "[bool(parameters('v'))]"}}}
  ]
}`
	scan := func(def string) []string {
		fsys := fstest.MapFS{"t.json": {Data: []byte(strings.Replace(src, "%s", def, 1))}}
		fs, sk := NewScanner(Options{}).Scan(t.Context(), fsys, []string{"t.json"})
		if len(sk) > 0 {
			t.Fatalf("skipped: %v", sk)
		}
		var ids []string
		for _, f := range fs {
			// the Go checks whose inputs the parameter decides; rules
			// fire on what the template leaves out (no network policy)
			if strings.HasPrefix(f.CheckID, "FC-AZ-00") {
				ids = append(ids, f.CheckID)
			}
		}
		slices.Sort(ids)
		return ids
	}
	if got := scan(""); len(got) > 0 {
		t.Errorf("unknown values fired %v", got)
	}
	want := []string{"FC-AZ-001", "FC-AZ-002", "FC-AZ-003", "FC-AZ-004", "FC-AZ-005", "FC-AZ-006", "FC-AZ-007", "FC-AZ-008", "FC-AZ-009"}
	if diff := cmp.Diff(want, scan(`, "defaultValue": "false"`)); diff != "" {
		t.Errorf("known values (-want +got):\n%s", diff)
	}
}
