package secret

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/fourc-dev/fourc/internal/check"
	"github.com/fourc-dev/fourc/internal/finding"
)

// dbURLParts splits a connection URL match into scheme, user and host.
var dbURLParts = regexp.MustCompile(`^(?i)([a-z+]+)://([^:/?#\s@]*):[^@]*@([^\s/?#:,;]*)`)

// FC-SEC-017 inspects any text for database and broker connection URLs
// (postgres, postgresql, mysql, mariadb, mongodb, mongodb+srv, redis,
// rediss, amqp, amqps) that carry a password: scheme://user:password@host.
// Passwords that are template references, placeholder words or equal to the
// user name, and hosts of documentation (example.com), are allowed.
func ruleDatabaseURL() Rule {
	return Rule{
		Meta: check.New(
			"FC-SEC-017",
			"Connection URL with password",
			finding.SeverityHigh,
			finding.LayerCode,
			"A database or message broker URL embeds its password. Whoever reads the file can connect to the service with that user's rights.",
			"Change the password, remove it from the file and its history, and build the URL at run time from a secret store or environment variables.",
			cwe798(),
			cwe259(),
		),
		Name:  "connection-url-password",
		Label: "connection URL password",
		Keywords: []string{"postgres://", "postgresql://", "mysql://", "mariadb://", "mongodb://", "mongodb+srv://",
			"redis://", "rediss://", "amqp://", "amqps://"},
		Pattern: `(?i)\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?)://` +
			`[^:/?#\s@"'<>]*:(?P<secret>[^@/?#\s"'<>]+)@[^\s/?#"'<>:,;]+`,
		Allowlists: placeholders(),
		Verify: func(secret, match []byte) (string, bool) {
			m := dbURLParts.FindSubmatch(match)
			if m == nil {
				return "", false
			}
			scheme, user, host := strings.ToLower(string(m[1])), m[2], strings.ToLower(string(m[3]))
			if bytes.Equal(secret, user) || len(secret) < 4 || lowVariety(secret) {
				return "", false
			}
			if host == "example.com" || strings.HasSuffix(host, ".example.com") || strings.HasSuffix(host, ".example") {
				return "", false
			}
			var label string
			switch {
			case strings.HasPrefix(scheme, "postgres"):
				label = "PostgreSQL"
			case scheme == "mysql":
				label = "MySQL"
			case scheme == "mariadb":
				label = "MariaDB"
			case strings.HasPrefix(scheme, "mongodb"):
				label = "MongoDB"
			case strings.HasPrefix(scheme, "redis"):
				label = "Redis"
			default:
				label = "AMQP"
			}
			return label + " URL password", true
		},
	}
}
