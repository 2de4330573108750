-- The latest date of the invoices a seller issued of one invoice type in a
-- period: an intake refuses an earlier date for a new number (a number
-- never carries an earlier date than a lower number).
CREATE INDEX documents_issue_dates ON documents (seller_ban, invoice_type, invoice_date) WHERE action = 'issue';
