package secret

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// FC-SEC-010 inspects any text for Stripe live secret keys (sk_live_) and
// restricted keys (rk_live_). Test-mode keys (sk_test_) move no money and
// are not reported.
func ruleStripeKey() Rule {
	return Rule{
		Meta: check.New(
			"FC-SEC-010",
			"Stripe live API key",
			finding.SeverityHigh,
			finding.LayerCode,
			"A live-mode Stripe secret or restricted key is committed to a file. It can create charges, refunds and payouts and read customer data.",
			"Roll the key in the Stripe dashboard, remove it from the file and its history, and load it from a secret store.",
			cwe798(),
			finding.Reference{Source: "Stripe: keep your API keys safe", URL: "https://docs.stripe.com/keys-best-practices"},
		),
		Name:       "stripe-live-key",
		Label:      "Stripe live API key",
		Keywords:   []string{"sk_live_", "rk_live_"},
		Pattern:    `\b(?P<secret>(?:sk|rk)_live_[0-9A-Za-z]{20,247})\b`,
		Entropy:    3.5,
		Allowlists: placeholders(),
	}
}
