package xsd

import (
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/beevik/etree"
)

// schemaDoc is one loaded schema document.
type schemaDoc struct {
	file      string
	root      *etree.Element
	tns       string // the target namespace its components belong to
	chameleon bool   // included without a targetNamespace of its own
	qualified bool   // elementFormDefault="qualified"
	attrQual  bool   // attributeFormDefault="qualified"
}

// rawComp is a global component not compiled yet.
type rawComp struct {
	doc *schemaDoc
	el  *etree.Element
}

// compiler turns schema documents into a Schema.
type compiler struct {
	fsys   fs.FS
	tns    string
	hasTNS bool
	loaded map[string]bool

	rawElems, rawTypes, rawGroups map[string]rawComp

	elems     map[string]*elemDecl
	simples   map[string]*simpleType
	complexes map[string]*complexType
	groups    map[string]*particle
	busy      map[string]bool // components being compiled, to catch cycles
}

func newCompiler(fsys fs.FS) *compiler {
	return &compiler{
		fsys: fsys, loaded: map[string]bool{},
		rawElems: map[string]rawComp{}, rawTypes: map[string]rawComp{}, rawGroups: map[string]rawComp{},
		elems: map[string]*elemDecl{}, simples: map[string]*simpleType{}, complexes: map[string]*complexType{},
		groups: map[string]*particle{}, busy: map[string]bool{},
	}
}

// schemaError is a problem in a schema document.
func schemaError(file string, el *etree.Element, format string, args ...any) error {
	return fmt.Errorf("xsd: %s: %s: %s", file, where(el), fmt.Sprintf(format, args...))
}

// where describes an element of a schema document by its construct, its
// name and the named components around it.
func where(el *etree.Element) string {
	if el == nil {
		return "schema"
	}
	parts := []string{}
	for e := el; e != nil && e.Tag != "schema" && e.Tag != ""; e = e.Parent() {
		if n := e.SelectAttrValue("name", e.SelectAttrValue("ref", "")); n != "" || e == el {
			desc := "xsd:" + e.Tag
			if n != "" {
				desc += fmt.Sprintf(" %q", n)
			}
			parts = append([]string{desc}, parts...)
		}
	}
	return strings.Join(parts, " > ")
}

// load reads a schema document and, recursively, the documents it includes.
// includer is nil for the main document.
func (c *compiler) load(name string, includer *schemaDoc) error {
	name = path.Clean(name)
	if c.loaded[name] {
		return nil
	}
	c.loaded[name] = true
	data, err := fs.ReadFile(c.fsys, name)
	if err != nil {
		return fmt.Errorf("xsd: read schema: %w", err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		return fmt.Errorf("xsd: %s: parse: %w", name, err)
	}
	root := doc.Root()
	if root == nil || root.Tag != "schema" || root.NamespaceURI() != xsdNS {
		return fmt.Errorf("xsd: %s: the root element is not xsd:schema", name)
	}
	sd, err := c.newDoc(name, root, includer)
	if err != nil {
		return err
	}
	return c.collect(sd)
}

// newDoc reads the attributes of xsd:schema.
func (c *compiler) newDoc(name string, root *etree.Element, includer *schemaDoc) (*schemaDoc, error) {
	sd := &schemaDoc{file: name, root: root}
	tnsAttr := root.SelectAttr("targetNamespace")
	switch {
	case includer == nil:
		c.tns, c.hasTNS = root.SelectAttrValue("targetNamespace", ""), tnsAttr != nil
	case tnsAttr == nil:
		sd.chameleon = true
	case tnsAttr.Value != c.tns:
		return nil, fmt.Errorf("xsd: %s: targetNamespace %q differs from %q of %s", name, tnsAttr.Value, c.tns, includer.file)
	}
	sd.tns = c.tns
	for _, a := range root.Attr {
		if a.Space == "xmlns" || (a.Space == "" && a.Key == "xmlns") || a.Space == "xml" {
			continue
		}
		switch a.Key {
		case "targetNamespace", "version", "id", "finalDefault":
		case "elementFormDefault", "attributeFormDefault":
			if a.Value != "qualified" && a.Value != "unqualified" {
				return nil, schemaError(name, nil, "%s=%q must be qualified or unqualified", a.Key, a.Value)
			}
			if a.Key == "elementFormDefault" {
				sd.qualified = a.Value == "qualified"
			} else {
				sd.attrQual = a.Value == "qualified"
			}
		default:
			if a.Space == "" {
				return nil, schemaError(name, nil, "unsupported attribute %s of xsd:schema", a.Key)
			}
		}
	}
	return sd, nil
}

// collect registers the global components of a document.
func (c *compiler) collect(sd *schemaDoc) error {
	for _, el := range sd.root.ChildElements() {
		if err := c.checkXSD(sd, el); err != nil {
			return err
		}
		var table map[string]rawComp
		switch el.Tag {
		case "annotation":
			continue
		case "include":
			loc := el.SelectAttrValue("schemaLocation", "")
			if loc == "" {
				return schemaError(sd.file, el, "schemaLocation is missing")
			}
			if err := c.load(path.Join(path.Dir(sd.file), loc), sd); err != nil {
				return err
			}
			continue
		case "element":
			table = c.rawElems
		case "simpleType", "complexType":
			table = c.rawTypes
		case "group":
			table = c.rawGroups
		default:
			return schemaError(sd.file, el, "unsupported top-level construct xsd:%s", el.Tag)
		}
		name := el.SelectAttrValue("name", "")
		if name == "" {
			return schemaError(sd.file, el, "a global xsd:%s needs a name", el.Tag)
		}
		if prev, dup := table[name]; dup {
			return schemaError(sd.file, el, "%q is also defined in %s", name, prev.doc.file)
		}
		table[name] = rawComp{sd, el}
	}
	return nil
}

// checkXSD ensures el is in the XML Schema namespace.
func (c *compiler) checkXSD(sd *schemaDoc, el *etree.Element) error {
	if el.NamespaceURI() != xsdNS {
		return schemaError(sd.file, el.Parent(), "unexpected element %s (not in the XML Schema namespace)", el.FullTag())
	}
	return nil
}

// compileAll compiles every global component, so that errors in unused
// types are reported as libxml2 reports them.
func (c *compiler) compileAll() error {
	for _, name := range sortedKeys(c.rawTypes) {
		if _, err := c.typeByName(name); err != nil {
			return err
		}
	}
	for _, name := range sortedKeys(c.rawGroups) {
		if _, err := c.group(name); err != nil {
			return err
		}
	}
	for _, name := range sortedKeys(c.rawElems) {
		if _, err := c.globalElement(name); err != nil {
			return err
		}
	}
	return nil
}

// resolveQName expands a QName-valued attribute of a schema element. A
// reference without namespace in a chameleon document means the target
// namespace.
func resolveQName(sd *schemaDoc, el *etree.Element, v string) (qname, error) {
	prefix, local, ok := strings.Cut(v, ":")
	if !ok {
		prefix, local = "", v
	}
	ns, found := lookupPrefix(el, prefix)
	if !found && prefix != "" {
		return qname{}, schemaError(sd.file, el, "prefix %q of %q is not declared", prefix, v)
	}
	if ns == "" && sd.chameleon {
		ns = sd.tns
	}
	return qname{ns, local}, nil
}

// lookupPrefix finds the namespace bound to prefix ("" for the default
// namespace) at el.
func lookupPrefix(el *etree.Element, prefix string) (string, bool) {
	if prefix == "xml" {
		return xmlNS, true
	}
	for e := el; e != nil; e = e.Parent() {
		for _, a := range e.Attr {
			if (prefix == "" && a.Space == "" && a.Key == "xmlns") || (prefix != "" && a.Space == "xmlns" && a.Key == prefix) {
				return a.Value, true
			}
		}
	}
	return "", false
}

// xsdChildren returns the XML Schema child elements of el, skipping
// annotations; any other element is an error.
func (c *compiler) xsdChildren(sd *schemaDoc, el *etree.Element) ([]*etree.Element, error) {
	var out []*etree.Element
	for _, ch := range el.ChildElements() {
		if err := c.checkXSD(sd, ch); err != nil {
			return nil, err
		}
		if ch.Tag != "annotation" {
			out = append(out, ch)
		}
	}
	return out, nil
}

// checkAttrs rejects attributes of el outside allowed (foreign-namespace
// attributes are allowed). Values listed in fixed must be as given.
func checkAttrs(sd *schemaDoc, el *etree.Element, allowed ...string) error {
	for _, a := range el.Attr {
		if a.Space != "" || a.Key == "xmlns" {
			continue
		}
		ok := false
		for _, n := range allowed {
			name, want, fixed := strings.Cut(n, "=")
			if name == a.Key {
				if fixed && a.Value != want {
					return schemaError(sd.file, el, "unsupported %s=%q (only %q is supported)", a.Key, a.Value, want)
				}
				ok = true
				break
			}
		}
		if !ok {
			return schemaError(sd.file, el, "unsupported attribute %s", a.Key)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
