package ledger

import "testing"

func TestFindByNumberSeesPendingAndCommittedDocuments(t *testing.T) {
	l := openTest(t)
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 99))
	nums := assign(t, l, 3)
	intake(t, l, func(tx *IntakeTx) error {
		// committed by an earlier intake
		d, err := tx.FindByNumber(seller1, ActionIssue, nums[1])
		if err != nil || d == nil || d.InvoiceNumber != nums[1] {
			t.Errorf("committed issue %s: %+v, %v", nums[1], d, err)
		}
		// accepted in this intake, still in the unwritten batch
		num, _, err := tx.NextNumber(seller1, "07", period)
		if err != nil {
			return err
		}
		if _, err := tx.Accept(issue(1, "pending-1", num)); err != nil {
			return err
		}
		if d, err := tx.FindByNumber(seller1, ActionIssue, num); err != nil || d == nil || d.OrderID != "pending-1" {
			t.Errorf("pending issue %s: %+v, %v", num, d, err)
		}
		a := issue(2, "allow-1", nums[0])
		a.Action, a.MsgType, a.AllowanceNumber, a.FileName = ActionAllowance, "G0401", "AL-7", "G0401_allow-1.xml"
		if _, err := tx.Accept(a); err != nil {
			return err
		}
		if d, err := tx.FindByNumber(seller1, ActionAllowance, "AL-7"); err != nil || d == nil || d.OrderID != "allow-1" {
			t.Errorf("pending allowance AL-7: %+v, %v", d, err)
		}
		for _, miss := range [][3]string{{seller1, ActionIssue, "ZZ00000000"}, {"10458570", ActionIssue, nums[0]}, {seller1, ActionVoid, nums[0]}} {
			if d, err := tx.FindByNumber(miss[0], miss[1], miss[2]); err != nil || d != nil {
				t.Errorf("FindByNumber%v = %+v, %v; want nothing", miss, d, err)
			}
		}
		return nil
	})
	// After commit the allowance is found through the index.
	intake(t, l, func(tx *IntakeTx) error {
		if d, err := tx.FindByNumber(seller1, ActionAllowance, "AL-7"); err != nil || d == nil {
			t.Errorf("committed allowance AL-7: %+v, %v", d, err)
		}
		return nil
	})
}
