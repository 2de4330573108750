package daemon

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Configuration mistakes are told in the configuration's own terms: the
// key path, the file and line, what is expected and, where one is close, a
// suggestion; never the Go type a key decodes into.

// configKeys returns the keys a configuration may hold, by parent path
// ("" for the top level), from the yaml tags of Config.
func configKeys() map[string][]string {
	keys := map[string][]string{}
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for i := 0; i < typ.NumField(); i++ {
			tag := typ.Field(i).Tag.Get("yaml")
			if tag == "" {
				continue
			}
			keys[prefix] = append(keys[prefix], tag)
			if ft := typ.Field(i).Type; ft.Kind() == reflect.Struct && ft != reflect.TypeOf(time.Duration(0)) {
				walk(joinKey(prefix, tag), ft)
			}
		}
	}
	walk("", reflect.TypeOf(Config{}))
	return keys
}

func joinKey(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// keyLines maps each key path of the YAML text to the line it is on, and
// each line holding a key to its path.
func keyLines(text []byte) (byKey map[string]int, byLine map[int]string) {
	byKey, byLine = map[string]int{}, map[int]string{}
	var doc yaml.Node
	if yaml.Unmarshal(text, &doc) != nil || len(doc.Content) == 0 {
		return byKey, byLine
	}
	var walk func(prefix string, n *yaml.Node)
	walk = func(prefix string, n *yaml.Node) {
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			path := joinKey(prefix, n.Content[i].Value)
			byKey[path] = n.Content[i].Line
			byLine[n.Content[i].Line] = path
			byLine[n.Content[i+1].Line] = path
			walk(path, n.Content[i+1])
		}
	}
	walk("", doc.Content[0])
	return byKey, byLine
}

var (
	yamlLine     = regexp.MustCompile(`^line (\d+): (.*)$`)
	yamlNotFound = regexp.MustCompile(`^field (\S+) not found in type`)
	yamlType     = regexp.MustCompile("^cannot unmarshal !!(\\w+) `(.*)` into (\\S+)$")
)

// explainDecodeError turns the decoder's error into one line per problem:
// FILE:LINE: KEY: what is wrong; what to write.
func explainDecodeError(err error, text []byte, file string) error {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	_, byLine := keyLines(text)
	keys := configKeys()
	var errs []error
	for _, msg := range msgs {
		msg = strings.TrimPrefix(msg, "yaml: ")
		m := yamlLine.FindStringSubmatch(msg)
		if m == nil {
			errs = append(errs, fmt.Errorf("config %s: %s", file, msg))
			continue
		}
		line, _ := strconv.Atoi(m[1])
		key, what := byLine[line], m[2]
		where := fmt.Sprintf("config %s:%d", file, line)
		switch {
		case yamlNotFound.MatchString(what) && key != "":
			parent, name := "", key
			if i := strings.LastIndexByte(key, '.'); i >= 0 {
				parent, name = key[:i], key[i+1:]
			}
			known := keys[parent]
			hint := ""
			if s := closest(name, known); s != "" {
				hint = "did you mean " + joinKey(parent, s) + "? "
			}
			errs = append(errs, fmt.Errorf("%s: %s is not a configuration key; %s(%s takes %s)",
				where, key, hint, orTop(parent), strings.Join(known, ", ")))
		case yamlType.MatchString(what) && key != "":
			t := yamlType.FindStringSubmatch(what)
			errs = append(errs, fmt.Errorf("%s: %s: %s", where, key, expectation(t[2], t[3])))
		default:
			errs = append(errs, fmt.Errorf("%s: %s", where, what))
		}
	}
	return errors.Join(errs...)
}

func orTop(parent string) string {
	if parent == "" {
		return "the top level"
	}
	return parent
}

// expectation says what a value of the Go type goType looks like, for a
// person who wrote value.
func expectation(value, goType string) string {
	switch goType {
	case "time.Duration":
		if _, err := strconv.ParseFloat(value, 64); err == nil {
			return fmt.Sprintf("%s is not a duration: give a unit, e.g. write %ss (units: ms, s, m, h)", value, value)
		}
		return fmt.Sprintf("%q is not a duration such as 30s, 5m or 1h", value)
	case "string":
		return fmt.Sprintf("%s must be text: put it in quotes", value)
	case "int", "int64", "float64":
		return fmt.Sprintf("%q is not a number", value)
	case "bool":
		return fmt.Sprintf("%q is not true or false", value)
	}
	if strings.HasPrefix(goType, "map[") || strings.HasPrefix(goType, "daemon.") {
		return fmt.Sprintf("%q must be a section of keys (one per line, indented below it), not a value", value)
	}
	return fmt.Sprintf("%q is not the kind of value this key takes", value)
}

// closest returns the candidate nearest to s within two edits, or "".
func closest(s string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance counts the insertions, deletions, changes and swaps of
// neighbours that turn a into b.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// locateValidation prefixes each problem Validate found ("key: ...") with
// the file and line of its key, where the file sets it.
func locateValidation(err error, text []byte, file string) error {
	byKey, _ := keyLines(text)
	var errs []error
	for _, line := range strings.Split(err.Error(), "\n") {
		key, _, _ := strings.Cut(line, ":")
		if n, ok := byKey[key]; ok {
			errs = append(errs, fmt.Errorf("config %s:%d: %s", file, n, line))
		} else {
			errs = append(errs, fmt.Errorf("config %s: %s", file, line))
		}
	}
	return errors.Join(errs...)
}
