package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestOpenCreatesFolderAndSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "sub", "ledger.db")
	l := openAt(t, path)
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations(migrations)
	if err != nil {
		t.Fatal(err)
	}
	if v := count(t, l.r, "PRAGMA user_version"); v != len(ms) || v < 1 {
		t.Errorf("user_version %d, want %d", v, len(ms))
	}
	for _, table := range []string{"sellers", "tracks", "intake_files", "documents", "invoice_numbers",
		"skipped_numbers", "outcomes", "events"} {
		if count(t, l.r, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?", table) != 1 {
			t.Errorf("table %s missing", table)
		}
	}
	mustVerify(t, l)
}

func TestPragmasOnBothPools(t *testing.T) {
	l := openTest(t)
	for _, pool := range []struct {
		name string
		db   *sql.DB
	}{{"writer", l.w}, {"reader", l.r}} {
		t.Run(pool.name, func(t *testing.T) {
			var mode string
			if err := pool.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
				t.Fatal(err)
			}
			if mode != "wal" {
				t.Errorf("journal_mode %q, want wal", mode)
			}
			for pragma, want := range map[string]int{"synchronous": 2, "foreign_keys": 1, "busy_timeout": 10000, "page_size": pageSize} {
				if got := count(t, pool.db, "PRAGMA "+pragma); got != want {
					t.Errorf("%s = %d, want %d", pragma, got, want)
				}
			}
		})
	}
	t.Run("reader is read-only", func(t *testing.T) {
		_, err := l.r.Exec("INSERT INTO sellers (ban, created_at) VALUES ('12345678', 'x')")
		if err == nil || !strings.Contains(err.Error(), "readonly") {
			t.Errorf("write on the read pool: %v, want a read-only error", err)
		}
	})
	if got := l.w.Stats().MaxOpenConnections; got != 1 {
		t.Errorf("writer pool allows %d connections, want 1", got)
	}
}

func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	l := openAt(t, path)
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49))
	first := assign(t, l, 3)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = openAt(t, path)
	if got := assign(t, l, 1); got[0] != "AB00000003" {
		t.Errorf("after reopen got %s, want AB00000003 (first run: %v)", got[0], first)
	}
	mustVerify(t, l)
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	l := openAt(t, path)
	if _, err := l.w.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	l.Close()
	_, err := Open(context.Background(), path, testLogger(t))
	var sv *SchemaVersionError
	if !errors.As(err, &sv) {
		t.Fatalf("Open: %v, want a SchemaVersionError", err)
	}
	want := fmt.Sprintf("ledger schema version 99 is newer than this turnkeyd (%d); upgrade turnkeyd", sv.Binary)
	if ms, _ := loadMigrations(migrations); sv.Binary != len(ms) {
		t.Errorf("binary version %d, want %d", sv.Binary, len(ms))
	}
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %q, want it to name %s and say %q", err, path, want)
	}
}

func TestMigrate(t *testing.T) {
	one := &fstest.MapFile{Data: []byte("CREATE TABLE a (x INTEGER);")}
	two := &fstest.MapFile{Data: []byte("CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);")}
	bad := &fstest.MapFile{Data: []byte("CREATE TABLE c (z INTEGER); INSERT INTO nowhere VALUES (1);")}
	tests := []struct {
		name      string
		start     fstest.MapFS // applied first
		fsys      fstest.MapFS
		wantErr   string
		wantVer   int
		wantTable map[string]bool
	}{
		{name: "from empty in order", fsys: fstest.MapFS{"0002_b.sql": two, "0001_a.sql": one},
			wantVer: 2, wantTable: map[string]bool{"a": true, "b": true}},
		{name: "only the missing ones", start: fstest.MapFS{"0001_a.sql": one},
			fsys: fstest.MapFS{"0001_a.sql": one, "0002_b.sql": two}, wantVer: 2, wantTable: map[string]bool{"a": true, "b": true}},
		{name: "failing step rolls back", fsys: fstest.MapFS{"0001_a.sql": one, "0002_c.sql": bad},
			wantErr: "migration 0002_c.sql", wantVer: 1, wantTable: map[string]bool{"a": true, "c": false}},
		{name: "gap in versions", fsys: fstest.MapFS{"0001_a.sql": one, "0003_b.sql": two},
			wantErr: "version 3, want 2", wantVer: 0},
		{name: "bad name", fsys: fstest.MapFS{"1_a.sql": one}, wantErr: "not NNNN_what.sql", wantVer: 0},
		{name: "newer file", start: fstest.MapFS{"0001_a.sql": one, "0002_b.sql": two},
			fsys: fstest.MapFS{"0001_a.sql": one}, wantErr: "ledger schema version 2 is newer than this turnkeyd (1)", wantVer: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, err := sql.Open("sqlite", dsn(filepath.Join(t.TempDir(), "m.db"), false))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			ctx := context.Background()
			if tc.start != nil {
				if _, _, err := migrate(ctx, db, tc.start); err != nil {
					t.Fatal(err)
				}
			}
			_, _, err = migrate(ctx, db, tc.fsys)
			if (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("migrate: %v, want error %q", err, tc.wantErr)
			}
			if v := count(t, db, "PRAGMA user_version"); v != tc.wantVer {
				t.Errorf("user_version %d, want %d", v, tc.wantVer)
			}
			for table, want := range tc.wantTable {
				got := count(t, db, "SELECT count(*) FROM sqlite_schema WHERE name = ?", table) == 1
				if got != want {
					t.Errorf("table %s exists: %v, want %v", table, got, want)
				}
			}
		})
	}
}

func TestPermanentRows(t *testing.T) {
	l := openTest(t)
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49))
	assign(t, l, 2)
	if err := l.SkipNumber(context.Background(), 1, "AB00000005", "torn roll"); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, sql, want string }{
		{"update event", "UPDATE events SET detail = 'x'", "events are append-only"},
		{"delete event", "DELETE FROM events", "events are append-only"},
		{"delete used number", "DELETE FROM invoice_numbers", "used numbers are permanent"},
		{"update used number", "UPDATE invoice_numbers SET document_id = NULL", "used numbers are permanent"},
		{"delete skipped number", "DELETE FROM skipped_numbers", "skipped numbers are permanent"},
		{"delete track", "DELETE FROM tracks", "tracks cannot be deleted"},
		{"change a range", "UPDATE tracks SET end_no = 99", "a track range cannot be changed"},
		{"move next back", "UPDATE tracks SET next_no = 0", "cannot go back"},
		{"overlap", `INSERT INTO tracks (seller_ban, invoice_type, period, letters, begin_no, end_no, next_no, imported_at)
			VALUES ('04595252', '07', '11512', 'AB', 0, 99, 0, 'x')`, "overlaps"},
		{"use a skipped number", `INSERT INTO invoice_numbers (track_id, number, created_at) VALUES (1, 'AB00000005', 'x')`,
			"outside its track or skipped"},
		{"use a number outside", `INSERT INTO invoice_numbers (track_id, number, created_at) VALUES (1, 'AB00000050', 'x')`,
			"outside its track or skipped"},
		{"skip a used number", `INSERT INTO skipped_numbers (track_id, number, reason, at) VALUES (1, 'AB00000000', 'r', 'x')`,
			"outside its track or used"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := l.w.Exec(tc.sql)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: %v, want an error saying %q", tc.sql, err, tc.want)
			}
		})
	}
	if n := count(t, l.r, "SELECT count(*) FROM events"); n == 0 {
		t.Error("no events recorded")
	}
	mustVerify(t, l)
}

func TestTimesStoredAsUTC(t *testing.T) {
	l := openTest(t)
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49))
	var at string
	if err := l.r.QueryRow("SELECT imported_at FROM tracks").Scan(&at); err != nil {
		t.Fatal(err)
	}
	// The test clock runs in UTC+8 from 09:30:00.
	if !strings.HasPrefix(at, "2026-11-15T01:30:00.") || !strings.HasSuffix(at, "Z") || len(at) != 30 {
		t.Errorf("stored time %q, want UTC RFC 3339 with nine fractional digits", at)
	}
}

func TestVerifyFindsGap(t *testing.T) {
	l := openTest(t)
	mustImport(t, l, trk(seller1, "07", period, "AB", 0, 49))
	assign(t, l, 2)
	if _, err := l.w.Exec("UPDATE tracks SET next_no = 4"); err != nil {
		t.Fatal(err)
	}
	err := l.Verify(context.Background())
	if err == nil || !strings.Contains(err.Error(), "AB00000002 below next AB00000004 is neither used nor skipped") {
		t.Errorf("Verify: %v, want the gap at AB00000002", err)
	}
}
