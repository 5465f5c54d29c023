package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fourc-dev/fourc/internal/malware"
	"github.com/fourc-dev/fourc/internal/yara"
)

// addYaraRulesFlag adds --yara-rules, the user's YARA rule files and
// directories run by the malware scan (docs/yara.md gives the subset).
func addYaraRulesFlag(cmd *cobra.Command, paths *[]string) {
	cmd.Flags().StringArrayVar(paths, "yara-rules", nil, "also run these YARA rules (.yar/.yara files or directories; repeatable; a rule using an unsupported feature is left out with a notice; see docs/yara.md)")
}

// maxRuleNotices caps the per-rule notices one run prints; the rest are
// counted.
const maxRuleNotices = 20

// loadYaraRules compiles the rule files of --yara-rules. A rule or file
// that does not compile is a notice naming it, and the others run; no
// rule at all out of the files given is an error, so that a typo in a
// path is not a silent scan without rules.
func loadYaraRules(paths []string) (malware.RuleSet, []string, error) {
	if len(paths) == 0 {
		return nil, nil, nil
	}
	rules, errs := yara.LoadFiles(paths...)
	var notices []string
	for i, err := range errs {
		if i == maxRuleNotices {
			notices = append(notices, fmt.Sprintf("--yara-rules: %d more rules or files left out", len(errs)-i))
			break
		}
		notices = append(notices, "--yara-rules: left out: "+oneLine(err))
	}
	if rules == nil || rules.Len() == 0 {
		msg := "no rule compiled"
		if len(errs) > 0 {
			msg += ": " + oneLine(errs[0])
		}
		return nil, nil, usageError{Err: fmt.Errorf("--yara-rules %s: %s", strings.Join(paths, ", "), msg)}
	}
	return yaraRules{rules}, notices, nil
}

// yaraRules runs the YARA engine for the malware detector.
type yaraRules struct{ rules *yara.Rules }

// Scan matches the rules against one file's bytes. Hits found before a
// bound was reached are kept, with the error.
func (y yaraRules) Scan(ctx context.Context, data []byte) ([]malware.RuleHit, error) {
	ms, err := y.rules.Scan(ctx, data)
	hits := make([]malware.RuleHit, 0, len(ms))
	for _, m := range ms {
		h := malware.RuleHit{Rule: m.Rule, Namespace: m.Namespace, Tags: m.Tags, Offset: -1}
		if len(m.Meta) > 0 {
			h.Meta = make(map[string]string, len(m.Meta))
			for _, kv := range m.Meta {
				if _, seen := h.Meta[kv.Key]; !seen {
					h.Meta[kv.Key] = fmt.Sprint(kv.Value)
				}
			}
		}
		for _, s := range m.Strings {
			if h.Offset < 0 || s.Offset < h.Offset {
				h.Offset = s.Offset
			}
		}
		hits = append(hits, h)
	}
	return hits, err
}
