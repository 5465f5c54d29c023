package iac

import (
	"os"
	"path/filepath"
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
