// Package xsd owns XML Schema validation of MIG documents: it compiles the
// subset of XML Schema 1.0 that the MIG schemas use and validates etree
// documents against it in pure Go, with the verdicts of libxml2 2.9
// (xmllint), the validator of the Turnkey platform. A Stream checks a
// document as a writer produces it, element by element, with the same
// content matchers and simple types: it accepts a valid document without a
// tree, and leaves the reasons for any other to Validate.
//
// The subset: xsd:schema (targetNamespace, element and attribute form
// defaults) with xsd:include (also without a targetNamespace, "chameleon");
// global and local xsd:element (type, ref, minOccurs, maxOccurs, form,
// nillable, inline types); xsd:complexType with empty or element-only
// content built from xsd:sequence, xsd:choice, xsd:all, xsd:group
// references and xsd:any (##any, ##other, lists; skip, lax, strict) and
// local xsd:attribute declarations; xsd:simpleType restrictions of
// string, normalizedString, token, decimal, integer, nonNegativeInteger,
// positiveInteger, long, int, boolean, time, date and base64Binary with
// every facet (patterns, lengths, enumerations, digits, bounds, whiteSpace),
// facets accumulating along derivation chains. Instances may use xsi:type,
// xsi:nil, xsi:schemaLocation and xsi:noNamespaceSchemaLocation. Anything
// else makes Compile fail with an error naming the file and construct, so
// an unsupported schema never silently validates.
//
// Where libxml2 departs from the specification, this package follows
// libxml2, because its verdict is the one that counts:
//   - totalDigits and fractionDigits count digits after leading zeros and
//     without trailing fraction zeros, but zeros right after the point
//     count: "0.0001" has 4 digits, "000123" 3, "1.2300" 3 and 2;
//   - decimals and integers have at most 24 significant digits (trailing
//     fraction zeros included while reading);
//   - surrounding blanks are allowed in decimal, integer, boolean and
//     base64Binary values, refused in long, int and date, and allowed only
//     before a time, unless a pattern or enumeration applies (then the
//     value is whitespace-collapsed first);
//   - xsd:time accepts 24:00:00 and zones up to ±14:00; seconds are summed
//     in floating point, so 23:59:59.99999999999999 is refused;
//   - base64Binary ignores characters outside its alphabet;
//   - patterns use libxml2's regular expression parser (quirks included)
//     and its Unicode 4.0.1 character tables (unicode_tables.go, derived
//     from xmllint by gen_unicode.go);
//   - enumerations of string types compare the value normalized by the
//     type's whiteSpace with the enumeration normalized by the base type's.
//
// Content models that violate Unique Particle Attribution are refused by
// Compile; libxml2 accepts some of them (its determinism check does not
// look through its counters) and validates them its own way.
package xsd
