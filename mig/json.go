package mig

import (
	"encoding/json"
	"fmt"
)

// DecodeJSON reads a document of message type t from the JSON the ledger
// keeps as a document's body (encoding/json of the model types).
func DecodeJSON(t MessageType, data []byte) (Document, error) {
	d := newDocument(t)
	if d == nil {
		return nil, fmt.Errorf("decode %s: not a MIG message turnkeyd knows", t)
	}
	if err := json.Unmarshal(data, d); err != nil {
		return nil, fmt.Errorf("decode %s: %w", t, err)
	}
	return d, nil
}

// newDocument returns a new, empty document of the model type of t, or nil.
func newDocument(t MessageType) Document {
	switch t {
	case F0401, C0401, A0401:
		return new(Invoice)
	case F0501, C0501:
		return new(InvoiceVoid)
	case F0701, C0701:
		return new(InvoiceCancel)
	case G0401, D0401:
		return new(Allowance)
	case G0501, D0501:
		return new(AllowanceVoid)
	case E0402:
		return new(BlankTracks)
	case E0501:
		return new(TrackAssignment)
	case E0504:
		return new(WinnerList)
	}
	return nil
}
