// Package schemas holds turnkeyd's own statement of the MIG formats as XML
// Schema files, one per message type and MIG version, embedded in the binary.
// They are written to give the same verdict as MOF's schemas on every
// document; README.md lists the one deliberate difference and how the two
// are compared.
package schemas

import (
	"embed"
	"slices"
)

// FS holds the schemas as <version>/<message>.xsd, plus <version>/common.xsd,
// which every message schema of that version includes.
//
//go:embed 4.1/*.xsd 3.1/*.xsd
var FS embed.FS

// messages lists the (message type, MIG version) pairs that have a schema.
var messages = [][2]string{
	{"F0401", "4.1"}, {"F0501", "4.1"}, {"F0701", "4.1"}, {"G0401", "4.1"}, {"G0501", "4.1"},
	{"E0402", "4.1"}, {"E0501", "4.1"}, {"E0504", "4.1"},
	{"C0401", "3.1"}, {"C0501", "3.1"}, {"C0701", "3.1"}, {"D0401", "3.1"}, {"D0501", "3.1"},
	{"A0401", "3.1"}, {"E0402", "3.1"}, {"E0501", "3.1"},
}

// File returns the path inside FS of the schema for msgType in MIG version,
// e.g. "4.1/F0401.xsd", or "" when turnkeyd has no such schema.
func File(msgType, version string) string {
	if !slices.Contains(messages, [2]string{msgType, version}) {
		return ""
	}
	return version + "/" + msgType + ".xsd"
}

// Messages returns the (message type, MIG version) pairs that have a schema.
func Messages() [][2]string {
	return slices.Clone(messages)
}
