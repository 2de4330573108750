package mig

import (
	"fmt"
	"time"
)

// The model keeps codes and identifiers as strings exactly as they appear in
// the XML (a BAN keeps its leading zeros, a code its leading zero), so that a
// document read from a file can be checked and reported on even when a value
// is wrong. Amounts are exact Decimals. An empty string is an absent optional
// element; a nil *Decimal is an absent optional amount.

// Date is a MIG date, yyyyMMdd in the Gregorian calendar, e.g. "20261122".
type Date string

// DateOf returns the MIG date of t in t's location.
func DateOf(t time.Time) Date { return Date(t.Format("20060102")) }

// Time parses d as a calendar date in loc; it fails on dates that do not
// exist, such as "20260230".
func (d Date) Time(loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation("20060102", string(d), loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q is not a real yyyyMMdd date", string(d))
	}
	return t, nil
}

// TimeOfDay is a MIG time, HH:mm:ss, e.g. "14:03:59".
type TimeOfDay string

// TimeOfDayOf returns the MIG time of t in t's location.
func TimeOfDayOf(t time.Time) TimeOfDay { return TimeOfDay(t.Format("15:04:05")) }

// Consumer is the buyer identifier of an invoice to a consumer (B2C).
const Consumer = "0000000000"

// Party is a seller or buyer (RoleDescriptionType), in schema order.
type Party struct {
	Identifier      string // BAN (統一編號); Consumer for a consumer buyer
	Name            string
	Address         string
	PersonInCharge  string
	TelephoneNumber string
	FacsimileNumber string
	EmailAddress    string
	CustomerNumber  string
	RoleRemark      string
}

// Invoice is an issued invoice: F0401 (4.1), C0401 or A0401 (3.1).
// Fields are in schema order; the comment names the versions that have a
// field when not all do. The renderer refuses a field the message lacks.
type Invoice struct {
	Head
	Number               string // InvoiceNumber, two track letters + 8 digits
	Date                 Date
	Time                 TimeOfDay
	Seller               Party
	Buyer                Party
	CheckNumber          string // 3.1 only
	BuyerRemark          string // 1–4
	MainRemark           string
	CustomsClearanceMark string // 1 not via customs, 2 via customs
	Category             string
	RelateNumber         string
	InvoiceType          string // "07" general, "08" special tax
	GroupMark            string // "*" or empty
	DonateMark           string // "0" or "1"
	CarrierType          string // not in A0401
	CarrierID1           string // not in A0401
	CarrierID2           string // not in A0401
	PrintMark            string // "Y" or "N"; not in A0401
	NPOBAN               string // donation code; not in A0401
	RandomNumber         string // 4 digits; required in C0401; not in A0401
	BondedAreaConfirm    string // F0401 (1–4) and A0401 (1–3)
	ZeroTaxRateReason    string // 71–79; 4.1 only
	Attachment           string // base64; A0401 only
	Reserved1            string // 4.1 only
	Reserved2            string // 4.1 only
	Items                []InvoiceItem
	Amount               InvoiceAmount
}

// InvoiceItem is one ProductItem of an invoice.
type InvoiceItem struct {
	Description    string
	Quantity       Decimal
	Unit           string
	UnitPrice      Decimal
	TaxType        string // 4.1 only: the line's tax type 1–4
	Amount         Decimal
	SequenceNumber string
	Remark         string
	RelateNumber   string
}

// InvoiceAmount is the Amount block of an invoice.
type InvoiceAmount struct {
	SalesAmount            Decimal // taxable sales (tax included for a consumer)
	FreeTaxSalesAmount     Decimal // tax-exempt sales; not in A0401
	ZeroTaxSalesAmount     Decimal // zero-rated sales; not in A0401
	TaxType                string  // 1, 2, 3, 4 or 9 (mixed)
	TaxRate                Decimal
	TaxAmount              Decimal
	TotalAmount            Decimal
	DiscountAmount         *Decimal
	OriginalCurrencyAmount *Decimal
	ExchangeRate           *Decimal
	Currency               string
}

// InvoiceVoid voids (作廢) an issued invoice: F0501 or C0501, whose root is
// CancelInvoice. A void is final for the invoice number.
type InvoiceVoid struct {
	Head
	InvoiceNumber           string // CancelInvoiceNumber
	InvoiceDate             Date
	BuyerID                 string
	SellerID                string
	VoidDate                Date      // CancelDate
	VoidTime                TimeOfDay // CancelTime
	Reason                  string    // CancelReason, 1–20 characters
	ReturnTaxDocumentNumber string    // 專案作廢核准文號, for voids after the cut-off
	Remark                  string
	Reserved1               string // 4.1 only
	Reserved2               string // 4.1 only
}

// InvoiceCancel cancels (註銷) an issued invoice so that its number can be
// issued again: F0701 or C0701, whose root is VoidInvoice.
type InvoiceCancel struct {
	Head
	InvoiceNumber string // VoidInvoiceNumber
	InvoiceDate   Date
	BuyerID       string
	SellerID      string
	CancelDate    Date      // VoidDate
	CancelTime    TimeOfDay // VoidTime
	Reason        string    // VoidReason, 1–20 characters
	Remark        string
	Reserved1     string // 4.1 only
	Reserved2     string // 4.1 only
}

// Allowance is an allowance (折讓) against issued invoices: G0401 or D0401.
// Line amounts are net of tax with the tax per line.
type Allowance struct {
	Head
	Number                  string // AllowanceNumber, 1–16 characters
	Date                    Date
	Seller                  Party
	Buyer                   Party
	AllowanceType           string // "1" buyer-issued, "2" seller-issued (4.1: only 2)
	OriginalInvoiceSellerID string // 4.1 only
	OriginalInvoiceBuyerID  string // 4.1 only
	Attachment              string // 3.1 only, base64
	Items                   []AllowanceItem
	TaxAmount               Decimal
	TotalAmount             Decimal // net total of the lines
}

// AllowanceItem is one ProductItem of an allowance.
type AllowanceItem struct {
	OriginalInvoiceDate    Date
	OriginalInvoiceNumber  string
	OriginalSequenceNumber string
	OriginalDescription    string
	Quantity               Decimal
	Unit                   string
	UnitPrice              Decimal
	Amount                 Decimal // net
	Tax                    Decimal
	SequenceNumber         string // AllowanceSequenceNumber
	TaxType                string
}

// AllowanceVoid voids an allowance: G0501 or D0501, root CancelAllowance.
type AllowanceVoid struct {
	Head
	AllowanceNumber string // CancelAllowanceNumber
	AllowanceType   string // 4.1 only
	AllowanceDate   Date
	BuyerID         string
	SellerID        string
	VoidDate        Date      // CancelDate
	VoidTime        TimeOfDay // CancelTime
	Reason          string    // CancelReason
	Remark          string
}

// BlankTracks reports the unused ranges of one track of one period (E0402,
// root BranchTrackBlank).
type BlankTracks struct {
	Head
	HeadBAN     string
	BranchBAN   string
	InvoiceType string
	YearMonth   string // ROC year + even month, e.g. "11510"
	Track       string // two letters
	Ranges      []NumberRange
}

// NumberRange is an inclusive range of 8-digit invoice numbers of a track.
type NumberRange struct {
	Begin string
	End   string
}

// TrackAssignment is one track range the platform allocated to a business
// (E0501, root InvoiceAssignNo). turnkeyd reads it, never writes it.
type TrackAssignment struct {
	Head
	BAN         string
	InvoiceType string
	YearMonth   string
	Track       string
	Begin       string
	End         string
	Booklets    Decimal
}

// WinnerList is the platform's list of a business's winning invoices (E0504,
// root Award). turnkeyd reads it, never writes it.
type WinnerList struct {
	Head
	HeadBAN          string
	YearMonth        string
	AwardListType    string
	TotalRecordCount Decimal
	TotalPrizeAmount Decimal
	RecAwardBegin    string // ROC yyyMMdd
	RecAwardEnd      string // ROC yyyMMdd
	Prizes           []PrizeInvoice
}

// PrizeInvoice is one winning invoice of a WinnerList.
type PrizeInvoice struct {
	Track           string
	InvoiceNumber   string
	InvoiceDate     Date
	InvoiceTime     TimeOfDay
	Seller          Party
	BuyerID         string
	TotalAmount     Decimal
	CarrierType     string
	CarrierTypeName string
	CarrierID1      string
	CarrierID2      string
	RandomNumber    string
	PrizeType       string
	PrizeAmount     Decimal
	DepositMark     string
	RedeemDataType  string
	PrizeDataSource string
	PrintType       string
}

// Compile-time checks that every document type is a Document.
var (
	_ Document = (*Invoice)(nil)
	_ Document = (*InvoiceVoid)(nil)
	_ Document = (*InvoiceCancel)(nil)
	_ Document = (*Allowance)(nil)
	_ Document = (*AllowanceVoid)(nil)
	_ Document = (*BlankTracks)(nil)
	_ Document = (*TrackAssignment)(nil)
	_ Document = (*WinnerList)(nil)
)
