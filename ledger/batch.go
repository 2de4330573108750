package ledger

import (
	"bytes"
	"fmt"
	"strings"
)

// batchSize is how many accepted documents (and used numbers) an intake
// writes with one INSERT. One statement per row costs about as much again as
// the row itself.
const batchSize = 64

// Row templates; the intake ID and the transaction's timestamp are written
// into the statement text when an intake prepares it.
const (
	insertDocuments = `INSERT INTO documents (id, intake_id, line, seller_ban, action, order_id, msg_type,
		mig_version, invoice_type, invoice_number, allowance_number, invoice_date, random_number, buyer_ban,
		state, file_name, target_dir, body, xml_sha256, waiting_for, result_code, result_message,
		created_at, updated_at) VALUES `
	docRow        = `(?, %[1]d, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '%[2]s', '%[2]s')`
	insertNumbers = `INSERT INTO invoice_numbers (track_id, number, document_id, created_at) VALUES `
	numberRow     = `(?, ?, ?, '%[2]s')`
)

func valuesRows(row string, n int) string {
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// batch holds the documents and used numbers an intake accepted and has not
// written yet.
type batch struct {
	docs  []*Document
	byKey map[docKey]*Document
	nums  []numberUse
	args  []any // reused between statements
}

// numberUse is a row of invoice_numbers.
type numberUse struct {
	track  int64
	number string
	doc    int64
}

// add keeps a copy of d and reports whether the batch is full.
func (b *batch) add(d *Document) bool {
	c := *d
	c.Body = bytes.Clone(d.Body)
	if b.byKey == nil {
		b.byKey = map[docKey]*Document{}
	}
	b.docs = append(b.docs, &c)
	b.byKey[docKey{c.SellerBAN, c.Action, c.OrderID}] = &c
	return len(b.docs) >= batchSize
}

// find returns the unwritten document with that key, or nil.
func (b *batch) find(key docKey) *Document { return b.byKey[key] }

// flush writes the batch: documents first, as the numbers point to them.
func (it *IntakeTx) flush() error {
	b := &it.batch
	if len(b.docs) == 0 && len(b.nums) == 0 {
		return nil
	}
	for len(b.docs) > 0 {
		n := it.writeDocs(b.docs)
		if it.err != nil {
			return it.err
		}
		b.docs = b.docs[n:]
	}
	for len(b.nums) > 0 {
		n := it.writeNumbers(b.nums)
		if it.err != nil {
			return it.err
		}
		b.nums = b.nums[n:]
	}
	b.docs, b.nums = b.docs[:0], b.nums[:0]
	clear(b.byKey)
	return nil
}

// writeDocs writes a full batch with one statement, or else one document, and
// returns how many it wrote.
func (it *IntakeTx) writeDocs(docs []*Document) int {
	stmt, n := it.stmts.addDocs, batchSize
	if len(docs) < batchSize {
		stmt, n = it.stmts.addDoc, 1
	}
	args := it.batch.args[:0]
	for _, d := range docs[:n] {
		var waiting any
		if d.WaitingFor != 0 {
			waiting = d.WaitingFor
		}
		args = append(args, d.ID, d.Line, d.SellerBAN, d.Action, d.OrderID, d.MsgType, d.MIGVersion, d.InvoiceType,
			d.InvoiceNumber, d.AllowanceNumber, d.InvoiceDate, d.RandomNumber, d.BuyerBAN, d.State, d.FileName, d.TargetDir,
			d.Body, d.XMLSHA256, waiting, d.ResultCode, d.ResultMessage)
	}
	_, err := stmt.ExecContext(it.ctx, args...)
	clear(args)
	it.batch.args = args[:0]
	if err != nil {
		it.fail(fmt.Errorf("write documents of lines %d-%d: %w%s", docs[0].Line, docs[n-1].Line, err, it.takenFileNames(docs[:n])))
	}
	return n
}

// takenFileNames explains a failed batch: which of its file names earlier
// documents have.
func (it *IntakeTx) takenFileNames(docs []*Document) string {
	var b strings.Builder
	for _, d := range docs {
		var id, intake int64
		err := it.tx.QueryRowContext(it.ctx, `SELECT id, intake_id FROM documents WHERE file_name = ?`, d.FileName).Scan(&id, &intake)
		if err == nil {
			fmt.Fprintf(&b, "; line %d: file name %s is taken by document %d of intake %d", d.Line, d.FileName, id, intake)
		}
	}
	return b.String()
}

// writeNumbers is writeDocs for used numbers.
func (it *IntakeTx) writeNumbers(nums []numberUse) int {
	stmt, n := it.stmts.useNumbers, batchSize
	if len(nums) < batchSize {
		stmt, n = it.stmts.useNumber, 1
	}
	args := it.batch.args[:0]
	for _, u := range nums[:n] {
		args = append(args, u.track, u.number, u.doc)
	}
	_, err := stmt.ExecContext(it.ctx, args...)
	clear(args)
	it.batch.args = args[:0]
	if err != nil {
		it.fail(fmt.Errorf("record numbers %s-%s: %w", nums[0].number, nums[n-1].number, err))
	}
	return n
}
