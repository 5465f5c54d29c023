package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	authnv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
)

// maxDepth bounds the nesting of a value the decoder skips, so a hostile
// line cannot exhaust the stack.
const maxDepth = 64

// Decode reads one audit event (one line of the API server's JSON log)
// into ev, which it resets first. It is a single pass over the line that
// fills only the fields fourc's rules read — level, auditID, stage,
// requestURI, verb, user and impersonatedUser (username, uid, groups),
// sourceIPs, userAgent, objectRef, responseStatus.code, requestObject (kept
// raw), the two timestamps and annotations — and skips the rest (the
// response object above all) without building it. It is several times
// faster than encoding/json, which needs reflection for the same fields.
// A line that is not one JSON object is an error; Decode never panics.
func Decode(line []byte, ev *auditv1.Event) error {
	d := decoder{}
	return d.decode(line, ev)
}

func (d *decoder) decode(line []byte, ev *auditv1.Event) error {
	*ev = auditv1.Event{}
	d.b, d.i = line, 0
	d.ws()
	if err := d.object(func(key []byte) error { return d.eventField(key, ev) }); err != nil {
		return err
	}
	d.ws()
	if d.i != len(d.b) {
		return d.errorf("data after the event")
	}
	if ev.Stage == "" && ev.Verb == "" && ev.AuditID == "" {
		return errors.New("not an audit event (no auditID, stage or verb)")
	}
	return nil
}

type decoder struct {
	b []byte
	i int
	// strs interns short strings (verbs, users, namespaces, resources)
	// across the events of one reader; nil for no interning.
	strs map[string]string
	// annotations is false when the caller does not need them.
	skipAnnotations bool
}

// Interning bounds: strings up to maxInternLen bytes, up to maxInterned
// of them per reader.
const (
	maxInternLen = 64
	maxInterned  = 1 << 14
)

func (d *decoder) intern(b []byte) string {
	if d.strs == nil || len(b) > maxInternLen {
		return string(b)
	}
	if s, ok := d.strs[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(d.strs) < maxInterned {
		d.strs[s] = s
	}
	return s
}

func (d *decoder) errorf(format string, args ...any) error {
	return fmt.Errorf("offset %d: %s", d.i, fmt.Sprintf(format, args...))
}

func (d *decoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) peek() byte {
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

func (d *decoder) expect(c byte) error {
	d.ws()
	if d.peek() != c {
		return d.errorf("want %q", c)
	}
	d.i++
	return nil
}

// object calls field for every key of an object, positioned at its value;
// field must consume the value.
func (d *decoder) object(field func(key []byte) error) error {
	if err := d.expect('{'); err != nil {
		return err
	}
	d.ws()
	if d.peek() == '}' {
		d.i++
		return nil
	}
	for {
		d.ws()
		key, err := d.rawString()
		if err != nil {
			return err
		}
		if err := d.expect(':'); err != nil {
			return err
		}
		d.ws()
		if err := field(key); err != nil {
			return err
		}
		d.ws()
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return nil
		default:
			return d.errorf("want , or }")
		}
	}
}

// rawString returns the bytes of a string token, quotes included, and
// moves past it. It does not validate the string's content: what it
// keeps is unquoted by str, which does.
func (d *decoder) rawString() ([]byte, error) {
	if d.peek() != '"' {
		return nil, d.errorf("want a string")
	}
	start := d.i
	d.i++
	for {
		j := bytes.IndexByte(d.b[d.i:], '"')
		if j < 0 {
			d.i = len(d.b)
			return nil, d.errorf("unterminated string")
		}
		end := d.i + j
		k := end
		for k > start+1 && d.b[k-1] == '\\' {
			k--
		}
		d.i = end + 1
		if (end-k)%2 == 0 {
			return d.b[start:d.i], nil
		}
	}
}

// str reads a string value; null is "".
func (d *decoder) str() (string, error) {
	if d.literal("null") {
		return "", nil
	}
	raw, err := d.rawString()
	if err != nil {
		return "", err
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return d.intern(inner), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", d.errorf("bad string: %v", err)
	}
	return s, nil
}

func (d *decoder) literal(lit string) bool {
	if bytes.HasPrefix(d.b[d.i:], []byte(lit)) {
		d.i += len(lit)
		return true
	}
	return false
}

func (d *decoder) strings() ([]string, error) {
	if d.literal("null") {
		return nil, nil
	}
	if err := d.expect('['); err != nil {
		return nil, err
	}
	var out []string
	d.ws()
	if d.peek() == ']' {
		d.i++
		return out, nil
	}
	for {
		d.ws()
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
		d.ws()
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return out, nil
		default:
			return nil, d.errorf("want , or ]")
		}
	}
}

// skip moves past one value of any kind and returns its bytes.
func (d *decoder) skip(depth int) ([]byte, error) {
	if depth > maxDepth {
		return nil, d.errorf("nested deeper than %d", maxDepth)
	}
	d.ws()
	start := d.i
	switch c := d.peek(); {
	case c == '"':
		_, err := d.rawString()
		return d.b[start:d.i], err
	case c == '{':
		err := d.object(func([]byte) error { _, err := d.skip(depth + 1); return err })
		return d.b[start:d.i], err
	case c == '[':
		err := d.array(depth)
		return d.b[start:d.i], err
	case c == 't' || c == 'f' || c == 'n':
		if d.literal("true") || d.literal("false") || d.literal("null") {
			return d.b[start:d.i], nil
		}
	case c == '-' || (c >= '0' && c <= '9'):
		for d.i < len(d.b) && bytes.IndexByte([]byte("+-.eE0123456789"), d.b[d.i]) >= 0 {
			d.i++
		}
		if _, err := strconv.ParseFloat(string(d.b[start:d.i]), 64); err != nil {
			return nil, d.errorf("bad number")
		}
		return d.b[start:d.i], nil
	}
	return nil, d.errorf("want a value")
}

func (d *decoder) array(depth int) error {
	d.i++ // '['
	d.ws()
	if d.peek() == ']' {
		d.i++
		return nil
	}
	for {
		if _, err := d.skip(depth + 1); err != nil {
			return err
		}
		d.ws()
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return nil
		default:
			return d.errorf("want , or ]")
		}
	}
}

// stringField reads a string value into one of the event's string-typed
// fields, interned: for values that repeat (verbs, users, resources).
func (d *decoder) stringField(dst *string) error {
	s, err := d.str()
	*dst = s
	return err
}

// uniqueField reads a string value that rarely repeats (IDs, URIs,
// names) without interning it.
func (d *decoder) uniqueField(dst *string) error {
	strs := d.strs
	d.strs = nil
	s, err := d.str()
	d.strs = strs
	*dst = s
	return err
}

// eventKeys are the event's keys Decode reads, quoted as in the line.
var eventKeys = []string{`"level"`, `"auditID"`, `"stage"`, `"requestURI"`, `"verb"`, `"userAgent"`, `"user"`, `"impersonatedUser"`,
	`"sourceIPs"`, `"objectRef"`, `"responseStatus"`, `"requestObject"`, `"requestReceivedTimestamp"`, `"stageTimestamp"`, `"annotations"`}

var (
	userKeys   = []string{`"username"`, `"uid"`, `"groups"`}
	objRefKeys = []string{`"resource"`, `"namespace"`, `"name"`, `"uid"`, `"apiGroup"`, `"apiVersion"`, `"subresource"`}
	statusKeys = []string{`"code"`, `"reason"`}
)

// exactKey returns the known key spelled exactly as key, else "": two
// switches, which compile to a search without allocation.
func exactKey(key []byte) string {
	switch string(key) {
	case `"level"`:
		return `"level"`
	case `"auditID"`:
		return `"auditID"`
	case `"stage"`:
		return `"stage"`
	case `"requestURI"`:
		return `"requestURI"`
	case `"verb"`:
		return `"verb"`
	case `"userAgent"`:
		return `"userAgent"`
	case `"user"`:
		return `"user"`
	case `"impersonatedUser"`:
		return `"impersonatedUser"`
	case `"sourceIPs"`:
		return `"sourceIPs"`
	case `"objectRef"`:
		return `"objectRef"`
	case `"responseStatus"`:
		return `"responseStatus"`
	case `"requestObject"`:
		return `"requestObject"`
	case `"requestReceivedTimestamp"`:
		return `"requestReceivedTimestamp"`
	case `"stageTimestamp"`:
		return `"stageTimestamp"`
	case `"annotations"`:
		return `"annotations"`
	}
	return exactNestedKey(key)
}

// exactNestedKey is exactKey for the keys of user, objectRef and
// responseStatus.
func exactNestedKey(key []byte) string {
	switch string(key) {
	case `"username"`:
		return `"username"`
	case `"uid"`:
		return `"uid"`
	case `"groups"`:
		return `"groups"`
	case `"resource"`:
		return `"resource"`
	case `"namespace"`:
		return `"namespace"`
	case `"name"`:
		return `"name"`
	case `"apiGroup"`:
		return `"apiGroup"`
	case `"apiVersion"`:
		return `"apiVersion"`
	case `"subresource"`:
		return `"subresource"`
	case `"code"`:
		return `"code"`
	case `"reason"`:
		return `"reason"`
	}
	return ""
}

// canonical returns the known key a key matches without regard to case,
// as encoding/json matches them, else "". The API server writes exact
// keys, so this costs a comparison only on unknown keys.
func canonical(key []byte, known []string) string {
	if k := exactKey(key); k != "" {
		return k
	}
	if bytes.IndexByte(key, '\\') >= 0 {
		var unq string
		if json.Unmarshal(key, &unq) == nil {
			key = []byte(strconv.Quote(unq))
		}
	}
	for _, k := range known {
		if len(key) == len(k) && bytes.EqualFold(key, []byte(k)) {
			return k
		}
	}
	return ""
}

func (d *decoder) eventField(key []byte, ev *auditv1.Event) error {
	switch canonical(key, eventKeys) {
	case `"level"`:
		return d.stringField((*string)(&ev.Level))
	case `"auditID"`:
		return d.uniqueField((*string)(&ev.AuditID))
	case `"stage"`:
		return d.stringField((*string)(&ev.Stage))
	case `"requestURI"`:
		return d.uniqueField(&ev.RequestURI)
	case `"verb"`:
		return d.stringField(&ev.Verb)
	case `"userAgent"`:
		return d.stringField(&ev.UserAgent)
	case `"user"`:
		return d.user(&ev.User)
	case `"impersonatedUser"`:
		if d.literal("null") {
			ev.ImpersonatedUser = nil
			return nil
		}
		if ev.ImpersonatedUser == nil {
			ev.ImpersonatedUser = &authnv1.UserInfo{}
		}
		return d.user(ev.ImpersonatedUser)
	case `"sourceIPs"`:
		ips, err := d.strings()
		ev.SourceIPs = ips
		return err
	case `"objectRef"`:
		return d.objectRef(ev)
	case `"responseStatus"`:
		return d.status(ev)
	case `"requestObject"`:
		raw, err := d.skip(0)
		if err == nil && string(raw) != "null" {
			ev.RequestObject = &runtime.Unknown{Raw: raw, ContentType: runtime.ContentTypeJSON}
		}
		return err
	case `"requestReceivedTimestamp"`:
		return d.time(&ev.RequestReceivedTimestamp)
	case `"stageTimestamp"`:
		return d.time(&ev.StageTimestamp)
	case `"annotations"`:
		if d.skipAnnotations {
			break
		}
		return d.annotations(ev)
	}
	_, err := d.skip(0)
	return err
}

func (d *decoder) user(u *authnv1.UserInfo) error {
	if d.literal("null") {
		return nil
	}
	return d.object(func(key []byte) error {
		switch canonical(key, userKeys) {
		case `"username"`:
			return d.stringField(&u.Username)
		case `"uid"`:
			return d.uniqueField(&u.UID)
		case `"groups"`:
			g, err := d.strings()
			u.Groups = g
			return err
		}
		_, err := d.skip(1)
		return err
	})
}

func (d *decoder) objectRef(ev *auditv1.Event) error {
	if d.literal("null") {
		ev.ObjectRef = nil
		return nil
	}
	if ev.ObjectRef == nil {
		ev.ObjectRef = &auditv1.ObjectReference{}
	}
	ref := ev.ObjectRef
	return d.object(func(key []byte) error {
		switch canonical(key, objRefKeys) {
		case `"resource"`:
			return d.stringField(&ref.Resource)
		case `"namespace"`:
			return d.stringField(&ref.Namespace)
		case `"name"`:
			return d.uniqueField(&ref.Name)
		case `"uid"`:
			return d.uniqueField((*string)(&ref.UID))
		case `"apiGroup"`:
			return d.stringField(&ref.APIGroup)
		case `"apiVersion"`:
			return d.stringField(&ref.APIVersion)
		case `"subresource"`:
			return d.stringField(&ref.Subresource)
		}
		_, err := d.skip(1)
		return err
	})
}

func (d *decoder) status(ev *auditv1.Event) error {
	if d.literal("null") {
		ev.ResponseStatus = nil
		return nil
	}
	if ev.ResponseStatus == nil {
		ev.ResponseStatus = &metav1.Status{}
	}
	st := ev.ResponseStatus
	return d.object(func(key []byte) error {
		raw, err := d.skip(1)
		if err != nil {
			return err
		}
		switch canonical(key, statusKeys) {
		case `"code"`:
			n, err := strconv.ParseInt(string(raw), 10, 32)
			if err != nil {
				return d.errorf("bad responseStatus.code")
			}
			st.Code = int32(n)
		case `"reason"`:
			var s string
			if json.Unmarshal(raw, &s) == nil {
				st.Reason = metav1.StatusReason(s)
			}
		}
		return nil
	})
}

func (d *decoder) time(dst *metav1.MicroTime) error {
	var s string
	err := d.uniqueField(&s)
	if err != nil || s == "" {
		return err
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return d.errorf("bad timestamp %q", s)
	}
	*dst = metav1.NewMicroTime(t)
	return nil
}

func (d *decoder) annotations(ev *auditv1.Event) error {
	if d.literal("null") {
		return nil
	}
	return d.object(func(key []byte) error {
		v, err := d.str()
		if err != nil {
			return err
		}
		var k string
		if err := json.Unmarshal(key, &k); err != nil {
			return d.errorf("bad key")
		}
		if ev.Annotations == nil {
			ev.Annotations = map[string]string{}
		}
		ev.Annotations[k] = v
		return nil
	})
}
