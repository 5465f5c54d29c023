package image

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
	"time"
)

// OS is the operating system an image is built on, from /etc/os-release.
type OS struct {
	// ID is os-release's ID, e.g. "debian", "ubuntu", "alpine", "rhel".
	ID string `json:"id"`
	// VersionID is os-release's VERSION_ID, e.g. "12", "22.04", "3.20.3".
	VersionID string `json:"version_id,omitempty"`
	// Codename is VERSION_CODENAME, e.g. "bookworm".
	Codename string `json:"codename,omitempty"`
	// PrettyName is PRETTY_NAME, for people.
	PrettyName string `json:"pretty_name,omitempty"`
	// EOL is the end of security support of this release, zero when not
	// known.
	EOL time.Time `json:"eol,omitzero"`
}

// Name returns the pretty name, or "ID VERSION_ID".
func (o OS) Name() string {
	if o.PrettyName != "" {
		return o.PrettyName
	}
	return strings.TrimSpace(o.ID + " " + o.VersionID)
}

// parseOSRelease reads the KEY=value lines of an os-release file.
func parseOSRelease(data []byte) OS {
	kv := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok || strings.HasPrefix(k, "#") {
			continue
		}
		if u, err := strconv.Unquote(v); err == nil {
			v = u
		} else {
			v = strings.Trim(v, `"'`)
		}
		kv[k] = v
	}
	o := OS{ID: kv["ID"], VersionID: kv["VERSION_ID"], Codename: kv["VERSION_CODENAME"], PrettyName: kv["PRETTY_NAME"]}
	o.EOL, _ = eolDate(o.ID, o.VersionID)
	return o
}

// eolDates holds the end of security support of each release, keyed by
// distribution and release. Debian: end of LTS; Ubuntu: end of standard
// support; Alpine: end of the release's security fixes; RHEL (and UBI):
// end of maintenance support of the major release.
var eolDates = map[string]map[string]string{
	"debian": {
		"7": "2018-05-31", "8": "2020-06-30", "9": "2022-06-30", "10": "2024-06-30",
		"11": "2026-08-31", "12": "2028-06-30", "13": "2030-06-30",
	},
	"ubuntu": {
		"14.04": "2019-04-30", "16.04": "2021-04-30", "18.04": "2023-05-31", "20.04": "2025-05-31",
		"22.04": "2027-06-01", "24.04": "2029-05-31",
		"22.10": "2023-07-20", "23.04": "2024-01-25", "23.10": "2024-07-11", "24.10": "2025-07-10",
	},
	"alpine": {
		"3.12": "2022-05-01", "3.13": "2022-11-01", "3.14": "2023-05-01", "3.15": "2023-11-01",
		"3.16": "2024-05-23", "3.17": "2024-11-22", "3.18": "2025-05-09", "3.19": "2025-11-01",
		"3.20": "2026-04-01", "3.21": "2026-11-01", "3.22": "2027-05-01",
	},
	"rhel": {
		"6": "2020-11-30", "7": "2024-06-30", "8": "2029-05-31", "9": "2032-05-31", "10": "2035-05-31",
	},
}

// eolDate returns the end of support of a release when it is known. The
// release key is the major version for Debian and RHEL, major.minor for
// Ubuntu and Alpine.
func eolDate(id, version string) (time.Time, bool) {
	table, ok := eolDates[id]
	if !ok {
		return time.Time{}, false
	}
	parts := strings.Split(version, ".")
	key := parts[0]
	if (id == "ubuntu" || id == "alpine") && len(parts) >= 2 {
		key = parts[0] + "." + parts[1]
	}
	s, ok := table[key]
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
