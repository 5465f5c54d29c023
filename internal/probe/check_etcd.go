package probe

// The etcd checks connect to etcd's client endpoints. FC-ETCD-004 reads
// one key count without a client certificate (over https without one, or
// over http). FC-ETCD-001, -002 and -003 read, with the given client
// certificate, the raw values under the storage prefix of secrets (and of
// the resources named in Options.Resources or the EncryptionConfiguration)
// and look only at each value's first bytes: "k8s:enc:<provider>:v1:<key>:"
// marks an encrypted object; anything else (protobuf "k8s\x00", JSON) is
// stored in plain text. Values are never kept or printed.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"

	"go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"sigs.k8s.io/yaml"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
	"github.com/fourc-dev/fourc/internal/limits"
)

// etcdPage is how many keys one range request reads.
const etcdPage = 200

// maxObjectFindings bounds the per-object findings of one resource; the
// rest are counted in one more finding.
const maxObjectFindings = 500

// Storage is how one object is stored.
type Storage struct {
	// Encrypted is true for a value with the k8s:enc: prefix.
	Encrypted bool
	// Provider is aescbc, aesgcm, secretbox, "kms v1" or "kms v2" ("" when
	// plain).
	Provider string
	// Key is the provider's key (or KMS plugin) name.
	Key string
}

// ClassifyStorage reads the storage prefix of a raw etcd value.
func ClassifyStorage(value []byte) Storage {
	const enc = "k8s:enc:"
	head := value[:min(len(value), 256)]
	rest, ok := strings.CutPrefix(string(head), enc)
	if !ok {
		return Storage{}
	}
	parts := strings.SplitN(rest, ":", 4)
	s := Storage{Encrypted: true}
	if len(parts) > 0 {
		s.Provider = parts[0]
	}
	if s.Provider == "kms" && len(parts) > 1 {
		s.Provider = "kms " + parts[1]
	}
	if len(parts) > 2 {
		s.Key = parts[2]
	}
	return s
}

// weakProviders says why a provider is weak.
var weakProviders = map[string]string{
	"aescbc": "open to padding-oracle attacks",
	"aesgcm": "needs a new key every 200,000 writes",
	"kms v1": "deprecated",
}

// probeEtcd probes every etcd endpoint, then reads the storage of the
// resources. It also returns how many endpoints answered the TLS probe and
// the first failure of each that did not.
func probeEtcd(ctx context.Context, opts Options) (out []finding.Finding, skipped []finding.Skipped, answered int, failures []finding.Skipped) {
	roots, err := loadPool(opts.EtcdCAFile)
	if err != nil {
		skipped = append(skipped, skip(opts.EtcdCAFile, err))
	}
	cert, err := loadClientCert(opts.EtcdCertFile, opts.EtcdKeyFile)
	if err != nil {
		skipped = append(skipped, skip(opts.EtcdCertFile, err))
	}
	var urls []string
	anyTLS := false
	for _, raw := range opts.Etcd {
		e, err := parseEndpoint(raw, "2379")
		if err != nil {
			skipped = append(skipped, skip(raw, err))
			failures = append(failures, skip(raw, err))
			continue
		}
		e.component = "etcd"
		f, s := probeTLS(ctx, e, roots, cert, opts)
		out = append(out, f...)
		skipped = append(skipped, s...)
		answered += countAnswer(s, &failures)
		if len(s) > 0 {
			continue // unreachable: not worth a client of its own
		}
		urls = append(urls, e.url())
		anyTLS = anyTLS || e.tls()
		if readsWithoutCertificate(ctx, e, roots, opts) {
			out = append(out, metaEtcdNoClientAuth.Finding(e.resource(), finding.Location{Object: e.url()}, check.Violation{
				Message: fmt.Sprintf("etcd at %s served a read to a client without a certificate", e.addr()),
			}))
		}
	}
	if len(urls) == 0 {
		return out, skipped, answered, failures
	}
	if anyTLS && cert == nil {
		return out, append(skipped, finding.Skipped{Path: strings.Join(urls, ","), Scanner: ScannerName,
			Reason: "no etcd client certificate (--etcd-cert/--etcd-key): cannot read keys to check encryption at rest"}), answered, failures
	}
	cli, err := etcdClient(ctx, urls, roots, cert, opts)
	if err != nil {
		return out, append(skipped, skip(strings.Join(urls, ","), err)), answered, failures
	}
	defer cli.Close()
	resources := []string{"secrets"}
	resources = append(resources, opts.Resources...)
	if opts.EncryptionConfig != "" {
		rs, err := encryptionResources(opts.EncryptionConfig)
		if err != nil {
			skipped = append(skipped, skip(opts.EncryptionConfig, err))
		}
		resources = append(resources, rs...)
	}
	slices.Sort(resources)
	resources = slices.Compact(resources)
	for _, r := range resources {
		if ctx.Err() != nil {
			break
		}
		f, err := storageFindings(ctx, cli, r, opts)
		if err != nil {
			skipped = append(skipped, finding.Skipped{Path: strings.Join(urls, ","), Scanner: ScannerName, Reason: fmt.Sprintf("reading %s from etcd: %v", r, err)})
			continue
		}
		out = append(out, f...)
	}
	return out, skipped, answered, failures
}

// etcdClient connects to etcd; a response larger than the ResponseBytes
// of ctx is refused.
func etcdClient(ctx context.Context, urls []string, roots *x509.CertPool, cert *tls.Certificate, opts Options) (*clientv3.Client, error) {
	cfg := clientv3.Config{Endpoints: urls, DialTimeout: opts.Timeout, Logger: zap.NewNop(), Context: ctx,
		MaxCallRecvMsgSize: int(min(limits.From(ctx).ResponseBytes, math.MaxInt32))}
	if strings.HasPrefix(urls[0], "https://") {
		tc := &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
		if roots == nil {
			tc.InsecureSkipVerify = true // #nosec G402 -- the TLS checks judge the certificate
		}
		if cert != nil {
			tc.Certificates = []tls.Certificate{*cert}
		}
		cfg.TLS = tc
	}
	cli, err := clientv3.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to etcd %s: %w", strings.Join(urls, ","), err)
	}
	return cli, nil
}

// readsWithoutCertificate reports whether etcd answers a count of the
// registry's namespaces to a client that has no certificate.
func readsWithoutCertificate(ctx context.Context, e endpoint, roots *x509.CertPool, opts Options) bool {
	cli, err := etcdClient(ctx, []string{e.url()}, roots, nil, opts)
	if err != nil {
		return false
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	_, err = cli.Get(ctx, opts.EtcdPrefix+"/namespaces/", clientv3.WithPrefix(), clientv3.WithCountOnly())
	return err == nil
}

// storagePrefixes are where the API server stores a resource: built-in
// resources under <prefix>/<resource>/, custom ones under
// <prefix>/<group>/<resource>/.
func storagePrefixes(etcdPrefix, resource string) []string {
	name, group, ok := strings.Cut(resource, ".")
	if !ok {
		return []string{etcdPrefix + "/" + name + "/"}
	}
	return []string{etcdPrefix + "/" + name + "/", etcdPrefix + "/" + group + "/" + name + "/"}
}

// kindOf names a resource's objects in findings.
func kindOf(resource string) string {
	if resource == "secrets" {
		return "Secret"
	}
	return resource
}

type tally struct {
	count int
	keys  map[string]bool
}

// storageFindings reads every object of a resource and reports how it is
// stored.
func storageFindings(ctx context.Context, cli *clientv3.Client, resource string, opts Options) ([]finding.Finding, error) {
	var out []finding.Finding
	plain := 0
	total := 0
	byProvider := map[string]*tally{}
	for _, prefix := range storagePrefixes(opts.EtcdPrefix, resource) {
		key, end := prefix, clientv3.GetPrefixRangeEnd(prefix)
		var rev int64
		for {
			rctx, cancel := context.WithTimeout(ctx, opts.Timeout)
			ropts := []clientv3.OpOption{clientv3.WithRange(end), clientv3.WithLimit(etcdPage)}
			if rev > 0 {
				ropts = append(ropts, clientv3.WithRev(rev))
			}
			resp, err := cli.Get(rctx, key, ropts...)
			cancel()
			if err != nil {
				return nil, err
			}
			rev = resp.Header.Revision
			for _, kv := range resp.Kvs {
				total++
				st := ClassifyStorage(kv.Value)
				k := string(kv.Key)
				if !st.Encrypted {
					plain++
					if plain <= maxObjectFindings {
						name := strings.TrimPrefix(k, prefix)
						out = append(out, metaPlaintextObject.Finding(
							finding.Resource{Kind: kindOf(resource), Name: name},
							finding.Location{Object: "etcd:" + k},
							check.Violation{Message: fmt.Sprintf("%s %q is stored in etcd in plain text (no k8s:enc: prefix)", kindOf(resource), name)}))
					}
					continue
				}
				t := byProvider[st.Provider]
				if t == nil {
					t = &tally{keys: map[string]bool{}}
					byProvider[st.Provider] = t
				}
				t.count++
				t.keys[st.Key] = true
			}
			if !resp.More || len(resp.Kvs) == 0 {
				break
			}
			key = string(resp.Kvs[len(resp.Kvs)-1].Key) + "\x00"
		}
	}
	res := finding.Resource{Kind: kindOf(resource), Name: resource}
	loc := finding.Location{Object: "etcd:" + opts.EtcdPrefix + "/" + resource + "/"}
	if plain > maxObjectFindings {
		out = append(out, metaPlaintextObject.Finding(res, loc, check.Violation{
			Message: fmt.Sprintf("%d more %s are stored in etcd in plain text", plain-maxObjectFindings, resource), Discriminator: "more",
		}))
	}
	providers := make([]string, 0, len(byProvider))
	for p := range byProvider {
		providers = append(providers, p)
	}
	slices.Sort(providers)
	var parts []string
	for _, p := range providers {
		t := byProvider[p]
		keys := make([]string, 0, len(t.keys))
		for k := range t.keys {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts = append(parts, fmt.Sprintf("%d %s (key %s)", t.count, p, strings.Join(keys, ", ")))
		if why, weak := weakProviders[p]; weak {
			out = append(out, metaWeakProvider.Finding(res, loc, check.Violation{
				Message:       fmt.Sprintf("%s encrypts %d of the %s in etcd, and is %s", p, t.count, resource, why),
				Discriminator: p,
			}))
		}
	}
	if plain > 0 {
		parts = append(parts, fmt.Sprintf("%d plain", plain))
	}
	if total > 0 {
		out = append(out, metaProvider.Finding(res, loc, check.Violation{
			Message: fmt.Sprintf("%d %s in etcd: %s", total, resource, strings.Join(parts, ", ")),
		}))
	}
	return out, nil
}

// encryptionResources lists the resources an EncryptionConfiguration
// names, leaving out wildcards (which cannot be turned into a prefix).
func encryptionResources(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading encryption configuration: %w", err)
	}
	var cfg struct {
		Resources []struct {
			Resources []string `json:"resources"`
		} `json:"resources"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("decoding encryption configuration %q: %w", path, err)
	}
	var out []string
	for _, r := range cfg.Resources {
		for _, name := range r.Resources {
			if !strings.Contains(name, "*") {
				out = append(out, name)
			}
		}
	}
	return out, nil
}
