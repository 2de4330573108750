package spool

import (
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/turnkeyd/turnkeyd/mig"
)

func TestColumnForPath(t *testing.T) {
	invoice := readTestdata(t, "consumer_multi.csv", mig.V41)[0]
	allowance := readTestdata(t, "allowance_gross.csv", mig.V41)[0]
	void := readTestdata(t, "void.csv", mig.V41)[0]
	cancel := readTestdata(t, "cancel.csv", mig.V31)[0]
	voidAllowance := readTestdata(t, "void_allowance.csv", mig.V41)[0]
	tests := []struct {
		name   string
		req    *Request
		path   string
		column string
		line   int
	}{
		{"item amount", &invoice, "/Invoice/Details/ProductItem[3]/Amount", "item_amount", 4},
		{"first item without index", &invoice, "/Invoice/Details/ProductItem/Quantity", "item_quantity", 2},
		{"item beyond the document", &invoice, "/Invoice/Details/ProductItem[9]/Amount", "item_amount", 2},
		{"sequence number is turnkeyd's", &invoice, "/Invoice/Details/ProductItem[2]/SequenceNumber", "", 3},
		{"buyer identifier", &invoice, "/Invoice/Main/Buyer/Identifier", "buyer_ban", 2},
		{"buyer's other elements", &invoice, "/Invoice/Main/Buyer/TelephoneNumber", "buyer_ban", 2},
		{"seller identifier", &invoice, "/Invoice/Main/Seller/Identifier", "seller_ban", 2},
		{"seller name", &invoice, "/Invoice/Main/Seller/Name", "seller_name", 2},
		{"donation code", &invoice, "/Invoice/Main/NPOBAN", "donate_code", 2},
		{"donate mark", &invoice, "/Invoice/Main/DonateMark", "donate_code", 2},
		{"print mark", &invoice, "/Invoice/Main/PrintMark", "print_mark", 2},
		{"tax amount", &invoice, "/Invoice/Amount/TaxAmount", "amount_total", 2},
		{"3.1 mixed bucket total", &invoice, "/Invoice/Amount", "amount_total", 2},
		{"tax rate", &invoice, "/Invoice/Amount/TaxRate", "tax_rate", 2},
		{"namespace prefix", &invoice, "/ns:Invoice/ns:Main/ns:InvoiceDate", "invoice_date", 2},
		{"another root", &invoice, "/CancelInvoice/CancelReason", "", 0},
		{"allowance line's original invoice", &allowance, "/Allowance/Details/ProductItem[2]/OriginalInvoiceNumber", "invoice_number", 3},
		{"allowance line's tax", &allowance, "/Allowance/Details/ProductItem[2]/Tax", "item_amount", 3},
		{"allowance date against an original", &allowance, "/Allowance/Details/ProductItem[1]/OriginalInvoiceDate", "invoice_date", 2},
		{"allowance buyer is the ledger's", &allowance, "/Allowance/Main/Buyer/Identifier", "", 2},
		{"allowance total", &allowance, "/Allowance/Amount/TotalAmount", "amount_total", 2},
		{"void reason", &void, "/CancelInvoice/CancelReason", "reason", 2},
		{"void date", &void, "/CancelInvoice/CancelDate", "invoice_date", 2},
		{"void seller", &void, "/CancelInvoice/SellerId", "seller_ban", 2},
		{"void's invoice date is the ledger's", &void, "/CancelInvoice/InvoiceDate", "", 2},
		{"cancel number", &cancel, "/VoidInvoice/VoidInvoiceNumber", "invoice_number", 2},
		{"void allowance number", &voidAllowance, "/CancelAllowance/CancelAllowanceNumber", "allowance_number", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			col, line := tt.req.ColumnForPath(tt.path)
			if col != tt.column || line != tt.line {
				t.Errorf("ColumnForPath(%s) = %q, %d; want %q, %d", tt.path, col, line, tt.column, tt.line)
			}
		})
	}
}

// TestRuleViolationsMapToColumns builds documents the CSV layer accepts but
// the mig rules reject, and checks that each violation names the column
// to fix.
func TestRuleViolationsMapToColumns(t *testing.T) {
	header := "order_id,buyer_ban,buyer_name,carrier_type,carrier_id1,donate_code,print_mark,invoice_type,item_description,item_quantity,item_unit_price\n"
	tests := []struct {
		name, row string
		want      []string // CODE column
	}{
		{"not delivered", "P1,,,,,,N,,x,1,100", []string{"DELIVERY_MISSING print_mark"}},
		{"bad donation code", "P2,,,,,12,,,x,1,100", []string{"NPOBAN_FORMAT donate_code"}},
		{"bad mobile barcode", "P3,,,3J0002,ABC,,,,x,1,100", []string{"CARRIER_ID_FORMAT carrier_id1"}},
		{"carrier without type", "P4,,,,/ABC+123,,,,x,1,100", []string{"CARRIER_INCOMPLETE carrier_type"}},
		{"donated by a business", "P5,04595252,大同,,,8585,,,x,1,100", []string{"DONATION_BUSINESS_BUYER donate_code"}},
		{"printed with carrier", "P6,,,3J0002,/ABC+123,,Y,,x,1,100", []string{"PRINTED_WITH_CARRIER carrier_type"}},
		{"special invoice type, general tax", "P7,,,,,,,08,x,1,100", []string{"INVOICE_TYPE_TAX_TYPE invoice_type"}},
	}
	rules := mig.DefaultRules()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reqs := readText(t, header+tt.row+"\n", mig.V41)
			r := &reqs[0]
			if r.Reject != nil {
				t.Fatalf("rejected by the CSV layer: %v", r.Reject)
			}
			fill(r)
			var got []string
			for _, v := range rules.Check(r.Doc) {
				col, line := r.ColumnForPath(v.Path)
				if line != 2 {
					t.Errorf("%s: line %d, want 2", v, line)
				}
				got = append(got, v.Code+" "+col)
			}
			if g, w := strings.Join(got, "; "), strings.Join(tt.want, "; "); g != w {
				t.Errorf("violations = %s, want %s", g, w)
			}
		})
	}
}

// TestEveryElementMapsToTheDocument walks every element of the rendered
// valid documents: each maps to a line of its document, and each element
// the ERP fills from a column maps to a column.
func TestEveryElementMapsToTheDocument(t *testing.T) {
	ours := map[string]bool{ // elements turnkeyd or the ledger fills
		"SequenceNumber": true, "AllowanceSequenceNumber": true, "InvoiceDate": true, "AllowanceDate": true,
		"BuyerId": true, "Identifier": true, "Name": true, "Address": true, "Seller": true, "Buyer": true,
		"Main": true, "Details": true, "ProductItem": true, "OriginalInvoiceDate": true,
	}
	for _, c := range validCases {
		reqs := readTestdata(t, c.file, c.v)
		for i := range reqs {
			r := &reqs[i]
			fill(r)
			tree, err := mig.Tree(r.Doc)
			if err != nil {
				t.Fatal(err)
			}
			var walk func(e *etree.Element, path string)
			walk = func(e *etree.Element, path string) {
				path += "/" + e.Tag
				col, line := r.ColumnForPath(path)
				if line < r.Line || line > r.EndLine {
					t.Errorf("%s %s: line %d outside the document's lines %d-%d", c.file, path, line, r.Line, r.EndLine)
				}
				if col == "" && !ours[e.Tag] && path != "/"+e.Tag {
					t.Errorf("%s %s: no column", c.file, path)
				}
				for _, child := range e.ChildElements() {
					walk(child, path)
				}
			}
			walk(tree.Root(), "")
		}
	}
}
