package deps

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/fourc-dev/fourc/internal/source"
)

// packageJSON is what the checks need from a package.json: the declared
// dependencies with their lines, and the scripts.
type packageJSON struct {
	Name    string
	Deps    []npmDecl
	Scripts map[string]string
}

// npmDecl is one entry of a dependency group.
type npmDecl struct {
	Name, Range, Group string
	Line               int
}

// dependencyGroups are the objects of package.json that declare
// dependencies.
var dependencyGroups = map[string]bool{
	"dependencies": true, "devDependencies": true, "optionalDependencies": true, "peerDependencies": true,
}

// maxDepth bounds the nesting the reader follows, so that hostile input
// cannot exhaust the stack or the heap.
const maxDepth = 64

// parsePackageJSON reads a package.json with encoding/json's token stream,
// keeping the line of each dependency's key. Non-string values of a
// dependency, and every other field, are passed over.
func parsePackageJSON(data []byte) (*packageJSON, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	pj := &packageJSON{Scripts: map[string]string{}}
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(data, dec, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("package.json is not a JSON object")
	}
	for dec.More() {
		key, err := stringToken(dec)
		if err != nil {
			return nil, syntaxError(data, dec, err)
		}
		switch {
		case dependencyGroups[key] || key == "scripts":
			if err := readStringMap(dec, data, func(name, value string, line int) {
				if key == "scripts" {
					pj.Scripts[name] = value
					return
				}
				pj.Deps = append(pj.Deps, npmDecl{Name: name, Range: value, Group: key, Line: line})
			}); err != nil {
				return nil, syntaxError(data, dec, err)
			}
		case key == "name":
			var v any
			if err := dec.Decode(&v); err != nil {
				return nil, syntaxError(data, dec, err)
			}
			pj.Name, _ = v.(string)
		default:
			if err := skipValue(dec, 0); err != nil {
				return nil, syntaxError(data, dec, err)
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, syntaxError(data, dec, err)
	}
	return pj, nil
}

// readStringMap reads an object and calls fn for each member whose value
// is a string, with the line of its key. Anything else than an object is
// passed over.
func readStringMap(dec *json.Decoder, data []byte, fn func(name, value string, line int)) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar where an object was expected
	}
	if d != '{' {
		return skipRest(dec, 1)
	}
	for dec.More() {
		name, err := stringToken(dec)
		if err != nil {
			return err
		}
		line := source.LineOf(data, int(dec.InputOffset()))
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch v := tok.(type) {
		case string:
			fn(name, v, line)
		case json.Delim:
			if err := skipRest(dec, 1); err != nil {
				return err
			}
		}
	}
	_, err = dec.Token() // '}'
	return err
}

func stringToken(dec *json.Decoder) (string, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("expected an object key, found %v", tok)
	}
	return s, nil
}

// skipValue passes over the next value, whatever it is.
func skipValue(dec *json.Decoder, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if _, ok := tok.(json.Delim); ok {
		return skipRest(dec, depth+1)
	}
	return nil
}

// skipRest passes over the rest of an object or array whose opening
// delimiter has been read.
func skipRest(dec *json.Decoder, depth int) error {
	if depth > maxDepth {
		return errors.New("nested too deeply")
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '}' || d == ']' {
				return nil
			}
			if err := skipRest(dec, depth+1); err != nil {
				return err
			}
		}
	}
}

// syntaxError names the line where reading stopped.
func syntaxError(data []byte, dec *json.Decoder, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("parsing package.json: unexpected end of file")
	}
	return fmt.Errorf("parsing package.json: line %d: %w", source.LineOf(data, int(dec.InputOffset())), err)
}
