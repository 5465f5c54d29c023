package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"

	"github.com/fourc-dev/fourc/internal/finding"
)

// ProfileVersion is the version of the profile format this fourc writes
// and reads.
const ProfileVersion = 1

// Profile limits keep a profile small whatever the log: beyond them a
// subject's new actions or networks are not learned (and Truncated says
// so).
const (
	maxSubjects          = 50_000
	maxActionsPerSubject = 2_000
	maxNetsPerSubject    = 256
)

// Profile is the learned normal behaviour of every user and service
// account of a cluster: the set of actions ("VERB RESOURCE[/SUB]
// [NAMESPACE]"), the source networks (/24 or /64) and the hours of the day
// (UTC) of their successful requests. Profiles merge by union.
type Profile struct {
	Version int `json:"version"`
	// Subjects are keyed by user name (system:serviceaccount:NS:NAME for a
	// service account).
	Subjects map[string]*Behaviour `json:"subjects"`
	// Events is how many requests were learned.
	Events int `json:"events"`
	// Truncated is true when a limit stopped learning.
	Truncated bool `json:"truncated,omitempty"`
}

// Behaviour is what one subject was seen doing.
type Behaviour struct {
	Actions  []string `json:"actions"`
	Networks []string `json:"networks"`
	// Hours are the hours of the day (0-23, UTC) the subject was active.
	Hours []int `json:"hours"`

	actions  map[string]bool
	networks map[string]bool
	hours    uint32
}

// NewProfile returns an empty profile.
func NewProfile() *Profile {
	return &Profile{Version: ProfileVersion, Subjects: map[string]*Behaviour{}}
}

// action is the profile's name of what a request did.
func action(ev *auditv1.Event) string {
	ref := ev.ObjectRef
	if ref == nil {
		p, _, _ := strings.Cut(ev.RequestURI, "?")
		return ev.Verb + " " + p
	}
	s := ev.Verb + " " + ref.Resource
	if ref.APIGroup != "" {
		s = ev.Verb + " " + ref.Resource + "." + ref.APIGroup
	}
	if ref.Subresource != "" {
		s += "/" + ref.Subresource
	}
	if ref.Namespace != "" {
		s += " " + ref.Namespace
	}
	return s
}

func (b *Behaviour) index() {
	if b.actions != nil {
		return
	}
	b.actions, b.networks = map[string]bool{}, map[string]bool{}
	for _, a := range b.Actions {
		b.actions[a] = true
	}
	for _, n := range b.Networks {
		b.networks[n] = true
	}
	for _, h := range b.Hours {
		if h >= 0 && h < 24 {
			b.hours |= 1 << h
		}
	}
}

// Learn adds one event to the profile: a completed, successful request of
// a known user.
func (p *Profile) Learn(ev *auditv1.Event) {
	who := actor(ev)
	if !completed(ev) || !allowed(ev) || who == "" {
		return
	}
	b := p.Subjects[who]
	if b == nil {
		if len(p.Subjects) >= maxSubjects {
			p.Truncated = true
			return
		}
		b = &Behaviour{}
		p.Subjects[who] = b
	}
	b.index()
	p.Events++
	if a := action(ev); !b.actions[a] {
		if len(b.actions) >= maxActionsPerSubject {
			p.Truncated = true
		} else {
			b.actions[a] = true
		}
	}
	if n, ok := network(sourceIP(ev)); ok && !b.networks[n.String()] {
		if len(b.networks) >= maxNetsPerSubject {
			p.Truncated = true
		} else {
			b.networks[n.String()] = true
		}
	}
	if t := eventTime(ev); !t.IsZero() {
		b.hours |= 1 << t.UTC().Hour()
	}
}

// Merge adds another profile to this one (a union).
func (p *Profile) Merge(o *Profile) {
	p.Events += o.Events
	p.Truncated = p.Truncated || o.Truncated
	for who, ob := range o.Subjects {
		ob.index()
		b := p.Subjects[who]
		if b == nil {
			b = &Behaviour{}
			p.Subjects[who] = b
		}
		b.index()
		maps.Copy(b.actions, ob.actions)
		maps.Copy(b.networks, ob.networks)
		b.hours |= ob.hours
	}
}

// has reports whether the profile holds the action for the subject; a nil
// profile holds nothing.
func (p *Profile) has(who, act string) bool {
	if p == nil {
		return false
	}
	b := p.Subjects[who]
	if b == nil {
		return false
	}
	b.index()
	return b.actions[act]
}

// Write writes the profile as indented JSON, every list sorted.
func (p *Profile) Write(w io.Writer) error {
	for _, b := range p.Subjects {
		b.index()
		b.Actions = slices.Sorted(maps.Keys(b.actions))
		b.Networks = slices.Sorted(maps.Keys(b.networks))
		b.Hours = b.Hours[:0]
		for h := range 24 {
			if b.hours&(1<<h) != 0 {
				b.Hours = append(b.Hours, h)
			}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}

// maxProfileBytes bounds a profile file.
const maxProfileBytes = 64 << 20

// ReadProfile reads a profile written by [Profile.Write]. Unknown fields
// and other versions are errors.
func ReadProfile(r io.Reader) (*Profile, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxProfileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxProfileBytes {
		return nil, fmt.Errorf("profile larger than %d MiB", maxProfileBytes>>20)
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	p := &Profile{}
	if err := dec.Decode(p); err != nil {
		return nil, fmt.Errorf("decoding profile: %w", err)
	}
	if p.Version != ProfileVersion {
		return nil, fmt.Errorf("profile version %d: this fourc reads version %d", p.Version, ProfileVersion)
	}
	if p.Subjects == nil {
		return nil, errors.New("profile has no subjects object")
	}
	for who, b := range p.Subjects {
		if b == nil {
			return nil, fmt.Errorf("profile subject %q is null", who)
		}
		for _, h := range b.Hours {
			if h < 0 || h > 23 {
				return nil, fmt.Errorf("profile subject %q: hour %d out of range", who, h)
			}
		}
	}
	return p, nil
}

// deviations compares a completed, successful request with the profile
// (FC-RT-101 to 104). A subject absent from the profile is new: every
// action it takes is reported by FC-RT-103 (aggregated per action).
func (p *Profile) deviations(_ *Analyzer, ev *auditv1.Event, emit emitFunc) {
	who := actor(ev)
	if !allowed(ev) || who == "" {
		return
	}
	b := p.Subjects[who]
	if b == nil {
		b = &Behaviour{}
	}
	b.index()
	res := subjectResource(who)
	act := action(ev)
	if !b.actions[act] {
		rsc, _ := resource(ev)
		_, _, isSA := serviceAccount(who)
		switch {
		case isSA && rsc == "secrets" && secretVerb(ev.Verb) && !readSecrets(b):
			emit(idNewSecretRead, who+"\x00"+act, res, subject(ev), fmt.Sprintf("did %q, and the profile has no read of secrets by it", act))
		case p.Subjects[who] == nil:
			emit(idNewAction, who+"\x00"+act, res, subject(ev), fmt.Sprintf("is not in the profile; it did %q", act))
		default:
			emit(idNewAction, who+"\x00"+act, res, subject(ev), fmt.Sprintf("did %q, which is not in its profile", act))
		}
	}
	if n, ok := network(sourceIP(ev)); ok && len(b.networks) > 0 && !b.networks[n.String()] {
		emit(idNewNetwork, who+"\x00"+n.String(), res, subject(ev), fmt.Sprintf("sent requests from %s; its profile knows %s", n, strings.Join(slices.Sorted(maps.Keys(b.networks)), ", ")))
	}
	if t := eventTime(ev); !t.IsZero() && b.hours != 0 && b.hours&(1<<t.UTC().Hour()) == 0 {
		emit(idNewHour, who+"\x00"+fmt.Sprint(t.UTC().Hour()), res, subject(ev), fmt.Sprintf("was active at %02d:00 UTC, an hour its profile never saw", t.UTC().Hour()))
	}
}

func readSecrets(b *Behaviour) bool {
	for a := range b.actions {
		verb, rest, _ := strings.Cut(a, " ")
		if secretVerb(verb) && (rest == "secrets" || strings.HasPrefix(rest, "secrets ")) {
			return true
		}
	}
	return false
}

func subjectResource(who string) finding.Resource {
	if ns, name, ok := serviceAccount(who); ok {
		return finding.Resource{Kind: "ServiceAccount", Name: ns + "/" + name}
	}
	return finding.Resource{Kind: "User", Name: who}
}
