package ledger

import "context"

// DocumentsByAllowance returns the documents of an allowance number (the
// allowance and its void), oldest first; none when no allowance has it.
func (l *Ledger) DocumentsByAllowance(ctx context.Context, number string) ([]Document, error) {
	return l.documents(ctx, "documents of allowance "+number,
		`WHERE allowance_number = ?1 AND allowance_number <> '' ORDER BY id`, number)
}
