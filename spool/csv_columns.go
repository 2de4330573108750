package spool

// The columns of CSV v1 and the header row that names them.

import (
	"fmt"
	"strings"

	"github.com/turnkeyd/turnkeyd/mig"
)

// column is a CSV v1 column.
type column int

// The columns, in the order docs/csv.md lists them.
const (
	colAction column = iota
	colOrderID
	colSellerBAN
	colSellerName
	colInvoiceNumber
	colInvoiceDate
	colInvoiceTime
	colRandomNumber
	colBuyerBAN
	colBuyerName
	colBuyerAddress
	colBuyerEmail
	colCarrierType
	colCarrierID1
	colCarrierID2
	colDonateCode
	colPrintMark
	colInvoiceType
	colTaxType
	colTaxRate
	colZeroTaxReason
	colCustomsMark
	colMainRemark
	colAmounts
	colAmountTotal
	colReason
	colAllowanceNumber
	colSpecialVoid
	colItemDescription
	colItemQuantity
	colItemUnit
	colItemUnitPrice
	colItemAmount
	colItemTaxType
	colItemRemark
	colOriginalSequence
	numColumns
	noColumn column = -1
)

var columnNames = [numColumns]string{
	"action", "order_id", "seller_ban", "seller_name", "invoice_number", "invoice_date", "invoice_time",
	"random_number", "buyer_ban", "buyer_name", "buyer_address", "buyer_email", "carrier_type",
	"carrier_id1", "carrier_id2", "donate_code", "print_mark", "invoice_type", "tax_type", "tax_rate",
	"zero_tax_reason", "customs_mark", "main_remark", "amounts", "amount_total", "reason",
	"allowance_number", "special_void_number", "item_description", "item_quantity", "item_unit", "item_unit_price",
	"item_amount", "item_tax_type", "item_remark", "original_sequence",
}

// String returns the column's name as the header writes it, "" for
// noColumn.
func (c column) String() string {
	if c < 0 || c >= numColumns {
		return ""
	}
	return columnNames[c]
}

// lineLevel reports whether c holds a value per row (a line item) rather
// than per document. invoice_number is per row in an allowance only.
func (c column) lineLevel() bool { return c >= colItemDescription }

// maxLength is the longest value (in characters) of the MIG element a
// column fills, per MIG version; 0 means no limit or a check elsewhere.
func (c column) maxLength(v mig.Version) int {
	v31 := v == mig.V31
	pick := func(v41, v31Len int) int {
		if v31 {
			return v31Len
		}
		return v41
	}
	switch c {
	case colOrderID:
		return 50
	case colSellerName, colBuyerName:
		return 60
	case colBuyerAddress:
		return 100
	case colBuyerEmail:
		return pick(400, 80)
	case colCarrierType:
		return 6
	case colCarrierID1, colCarrierID2:
		return pick(400, 64)
	case colDonateCode:
		return 10
	case colMainRemark:
		return 200
	case colReason:
		return 20
	case colAllowanceNumber:
		return 16
	case colSpecialVoid:
		return 60
	case colItemDescription:
		return pick(500, 256)
	case colItemUnit:
		return 6
	case colItemRemark:
		return pick(120, 40)
	}
	return 0
}

// header maps the columns of a file to their field positions.
type header struct {
	index [numColumns]int // field position of each column, -1 if absent
	names []string        // each field's column name, "" for an unnamed one
}

// parseHeader reads the header record: names are trimmed and compared
// without case, in any order; order_id is required; an unknown or repeated
// name is an error. Unnamed fields are allowed (spreadsheets add them);
// their values must stay blank.
func parseHeader(rec record) (*header, *FileError) {
	h := &header{names: make([]string, len(rec.fields))}
	for i := range h.index {
		h.index[i] = -1
	}
	for i, f := range rec.fields {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(f.text, "\uFEFF")))
		if name == "" {
			continue
		}
		c := columnNamed(name)
		if c == noColumn {
			return nil, &FileError{Line: f.line, Column: f.col, Msg: unknownColumn(name)}
		}
		if j := h.index[c]; j >= 0 {
			first := rec.fields[j]
			return nil, &FileError{Line: f.line, Column: f.col,
				Msg: fmt.Sprintf("column %s appears twice in the header (also at %d:%d): keep one of them", name, first.line, first.col)}
		}
		h.index[c] = i
		h.names[i] = name
	}
	if h.index[colOrderID] < 0 {
		return nil, &FileError{Line: rec.line, Column: 1,
			Msg: "the header row has no order_id column: the first non-blank line must name the columns, and order_id is required (it identifies each document)"}
	}
	return h, nil
}

func columnNamed(name string) column {
	for c, n := range columnNames {
		if n == name {
			return column(c)
		}
	}
	return noColumn
}

// unknownColumn explains an unknown column name and suggests the valid
// name it is probably a typo of.
func unknownColumn(name string) string {
	msg := fmt.Sprintf("unknown column %q", CutValue(name))
	switch {
	case strings.ContainsAny(name, ";\t|"):
		return msg + ": CSV v1 separates columns with commas, and this header seems to use another separator; save the file as comma-separated CSV"
	}
	if near := nearColumn(name); near != "" {
		return msg + fmt.Sprintf(": did you mean %s? Fix the header (column names are listed in docs/csv.md)", near)
	}
	return msg + ": the columns of CSV v1 are " + strings.Join(columnNames[:], ", ")
}

// nearColumn returns the valid column name closest to name, "" when none is
// close: at most two edits away after spaces and hyphens become
// underscores, or the name with an item_ prefix.
func nearColumn(name string) string {
	norm := strings.NewReplacer(" ", "_", "-", "_").Replace(name)
	if c := columnNamed(norm); c != noColumn {
		return c.String()
	}
	if c := columnNamed("item_" + norm); c != noColumn {
		return c.String()
	}
	best, bestDist := "", 3
	if len(norm) > 64 { // no column name is within two edits of it; and the distance costs its length
		return ""
	}
	for _, n := range columnNames {
		if d := editDistance(norm, n); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b in characters.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
