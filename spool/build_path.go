package spool

// From the built document back to the CSV: the column and line behind a
// MIG element (for the violations the caller's schema and rule checks
// find), and the stamping of blank dates and times.

import (
	"strconv"
	"strings"
	"time"

	"github.com/turnkeyd/turnkeyd/mig"
)

// elementColumns maps "<root>/<element path without indexes>" to the CSV
// column that fills the element. Elements the caller fills from the ledger
// (an original invoice's date, a void's buyer) map to no column.
var elementColumns = map[string]column{
	"Invoice/Main/InvoiceNumber":                            colInvoiceNumber,
	"Invoice/Main/InvoiceDate":                              colInvoiceDate,
	"Invoice/Main/InvoiceTime":                              colInvoiceTime,
	"Invoice/Main/Seller":                                   colSellerBAN,
	"Invoice/Main/Seller/Name":                              colSellerName,
	"Invoice/Main/Buyer":                                    colBuyerBAN,
	"Invoice/Main/Buyer/Identifier":                         colBuyerBAN,
	"Invoice/Main/Buyer/Name":                               colBuyerName,
	"Invoice/Main/Buyer/Address":                            colBuyerAddress,
	"Invoice/Main/Buyer/EmailAddress":                       colBuyerEmail,
	"Invoice/Main/MainRemark":                               colMainRemark,
	"Invoice/Main/CustomsClearanceMark":                     colCustomsMark,
	"Invoice/Main/InvoiceType":                              colInvoiceType,
	"Invoice/Main/DonateMark":                               colDonateCode,
	"Invoice/Main/CarrierType":                              colCarrierType,
	"Invoice/Main/CarrierId1":                               colCarrierID1,
	"Invoice/Main/CarrierId2":                               colCarrierID2,
	"Invoice/Main/PrintMark":                                colPrintMark,
	"Invoice/Main/NPOBAN":                                   colDonateCode,
	"Invoice/Main/RandomNumber":                             colRandomNumber,
	"Invoice/Main/ZeroTaxRateReason":                        colZeroTaxReason,
	"Invoice/Details/ProductItem":                           colItemDescription,
	"Invoice/Details/ProductItem/Description":               colItemDescription,
	"Invoice/Details/ProductItem/Quantity":                  colItemQuantity,
	"Invoice/Details/ProductItem/Unit":                      colItemUnit,
	"Invoice/Details/ProductItem/UnitPrice":                 colItemUnitPrice,
	"Invoice/Details/ProductItem/TaxType":                   colItemTaxType,
	"Invoice/Details/ProductItem/Amount":                    colItemAmount,
	"Invoice/Details/ProductItem/Remark":                    colItemRemark,
	"Invoice/Details/ProductItem/SequenceNumber":            noColumn,
	"Invoice/Amount/TaxType":                                colTaxType,
	"Invoice/Amount/TaxRate":                                colTaxRate,
	"Invoice/Amount":                                        colAmountTotal,
	"Allowance/Main/AllowanceNumber":                        colAllowanceNumber,
	"Allowance/Main/AllowanceDate":                          colInvoiceDate,
	"Allowance/Main/AllowanceType":                          colAction,
	"Allowance/Main/Seller":                                 colSellerBAN,
	"Allowance/Details/ProductItem":                         colItemDescription,
	"Allowance/Details/ProductItem/OriginalInvoiceDate":     colInvoiceDate,
	"Allowance/Details/ProductItem/OriginalInvoiceNumber":   colInvoiceNumber,
	"Allowance/Details/ProductItem/OriginalSequenceNumber":  colOriginalSequence,
	"CancelInvoice/ReturnTaxDocumentNumber":                 colSpecialVoid,
	"Allowance/Details/ProductItem/OriginalDescription":     colItemDescription,
	"Allowance/Details/ProductItem/Quantity":                colItemQuantity,
	"Allowance/Details/ProductItem/Unit":                    colItemUnit,
	"Allowance/Details/ProductItem/UnitPrice":               colItemUnitPrice,
	"Allowance/Details/ProductItem/Amount":                  colItemAmount,
	"Allowance/Details/ProductItem/Tax":                     colItemAmount,
	"Allowance/Details/ProductItem/TaxType":                 colItemTaxType,
	"Allowance/Details/ProductItem/AllowanceSequenceNumber": noColumn,
	"Allowance/Amount":                                      colAmountTotal,
	"CancelInvoice/CancelInvoiceNumber":                     colInvoiceNumber,
	"CancelInvoice/CancelDate":                              colInvoiceDate,
	"CancelInvoice/CancelTime":                              colInvoiceTime,
	"CancelInvoice/SellerId":                                colSellerBAN,
	"CancelInvoice/CancelReason":                            colReason,
	"VoidInvoice/VoidInvoiceNumber":                         colInvoiceNumber,
	"VoidInvoice/VoidDate":                                  colInvoiceDate,
	"VoidInvoice/VoidTime":                                  colInvoiceTime,
	"VoidInvoice/SellerId":                                  colSellerBAN,
	"VoidInvoice/VoidReason":                                colReason,
	"CancelAllowance/CancelAllowanceNumber":                 colAllowanceNumber,
	"CancelAllowance/AllowanceType":                         colAction,
	"CancelAllowance/CancelDate":                            colInvoiceDate,
	"CancelAllowance/CancelTime":                            colInvoiceTime,
	"CancelAllowance/SellerId":                              colSellerBAN,
	"CancelAllowance/CancelReason":                          colReason,
}

// ColumnForPath maps the path of a MIG element, as the validator and
// mig.Rules report it (/Invoice/Details/ProductItem[3]/Amount), to the CSV
// column that filled it and the CSV line: the line of that item for an
// item's element, the document's first line otherwise. The column is ""
// for an element turnkeyd fills itself (sequence numbers, what the ledger
// knows); amounts turnkeyd computes map to the columns they come from
// (item_amount, amount_total). Line is 0 for a path of no element of the
// document's kind.
func (r *Request) ColumnForPath(path string) (column string, line int) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	item := -1
	for i, p := range parts {
		if j := strings.IndexByte(p, ':'); j >= 0 { // a namespace prefix
			p = p[j+1:]
		}
		if name, index, ok := strings.Cut(p, "["); ok {
			p = name
			if i == 2 && p == "ProductItem" {
				n, err := strconv.Atoi(strings.TrimSuffix(index, "]"))
				if err == nil {
					item = n - 1
				}
			}
		} else if i == 2 && p == "ProductItem" {
			item = 0
		}
		parts[i] = p
	}
	if len(parts) == 0 || !r.rootMatches(parts[0]) {
		return "", 0
	}
	line = r.Line
	if item >= 0 && item < len(r.items) {
		line = r.items[item]
	}
	for key := strings.Join(parts, "/"); key != ""; {
		if c, ok := elementColumns[key]; ok {
			return c.String(), line
		}
		i := strings.LastIndexByte(key, '/')
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return "", line
}

// rootMatches reports whether root is the root element of r's document
// (any root when r has no document).
func (r *Request) rootMatches(root string) bool {
	if r.Doc == nil {
		return root != ""
	}
	return r.Doc.Header().Root() == root
}

// Stamp fills the blank dates and times of r's document from now (Taiwan
// time): a blank date is now's date and a blank time now's time of day,
// except that a date given without a time is 00:00:00 of that day, or now's
// time when the date is today. Stamp leaves Request.Date and Time as given.
func (r *Request) Stamp(now time.Time) {
	today, clock := mig.DateOf(now), mig.TimeOfDayOf(now)
	stamp := func(d *mig.Date, t *mig.TimeOfDay) {
		if t != nil && *t == "" {
			switch *d {
			case "", today:
				*t = clock
			default:
				*t = "00:00:00"
			}
		}
		if *d == "" {
			*d = today
		}
	}
	switch d := r.Doc.(type) {
	case *mig.Invoice:
		stamp(&d.Date, &d.Time)
	case *mig.Allowance:
		stamp(&d.Date, nil)
	case *mig.InvoiceVoid:
		stamp(&d.VoidDate, &d.VoidTime)
	case *mig.InvoiceCancel:
		stamp(&d.CancelDate, &d.CancelTime)
	case *mig.AllowanceVoid:
		stamp(&d.VoidDate, &d.VoidTime)
	}
}
