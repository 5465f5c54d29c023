package secret

import (
	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// FC-SEC-008 inspects any text for Slack tokens: xoxb- (bot), xoxp- (user),
// xoxa- (app), xoxr- (refresh) and xoxs- (workspace) followed by a numeric
// team or user id and further dash-separated parts.
func ruleSlackToken() Rule {
	return Rule{
		Meta: check.New(
			"FC-SEC-008",
			"Slack token",
			finding.SeverityHigh,
			finding.LayerCode,
			"A Slack API token is committed to a file. It reads and posts messages, files and channel history as the bot or user it belongs to.",
			"Revoke the token (auth.revoke or the app's settings), remove it from the file and its history, and load it from a secret store.",
			cwe798(),
			finding.Reference{Source: "Slack: token types", URL: "https://api.slack.com/concepts/token-types"},
		),
		Name:       "slack-token",
		Label:      "Slack token",
		Keywords:   []string{"xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"},
		Pattern:    `\b(?P<secret>xox[baprs]-[0-9]{6,}-[0-9A-Za-z-]{10,250})`,
		Entropy:    3.0,
		Allowlists: placeholders(),
	}
}

// FC-SEC-009 inspects any text for Slack incoming webhook URLs:
// https://hooks.slack.com/services/T…/B…/<secret> (and workflow triggers).
// The secret is the path after /services/.
func ruleSlackWebhook() Rule {
	return Rule{
		Meta: check.New(
			"FC-SEC-009",
			"Slack webhook URL",
			finding.SeverityHigh,
			finding.LayerCode,
			"A Slack incoming webhook URL is committed to a file. Anyone holding it can post messages into the channel it belongs to.",
			"Regenerate the webhook in the Slack app's settings, remove the old URL from the file and its history, and keep webhook URLs in a secret store.",
			cwe798(),
		),
		Name:       "slack-webhook-url",
		Label:      "Slack webhook URL",
		Keywords:   []string{"hooks.slack.com"},
		Pattern:    `https://hooks\.slack\.com/(?:services|workflows|triggers)/(?P<secret>T[A-Z0-9]{6,12}/[A-Z0-9]{8,12}/[A-Za-z0-9]{20,40})`,
		Entropy:    3.5,
		Allowlists: placeholders(),
	}
}
