package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

// Bodies returns the ledger's BodyLoader for the archive in dir: a
// document whose body left the ledger gets it back from its archived XML,
// checked against the hash recorded when it was archived. archived finds
// where the archive holds a document (Ledger.ArchivedOf).
func Bodies(dir string, archived func(ctx context.Context, id int64) (*ledger.Archived, error)) ledger.BodyLoader {
	return func(ctx context.Context, d *ledger.Document) ([]byte, error) {
		a, err := archived(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		data, err := ReadFile(dir, a.Path)
		if err != nil {
			return nil, fmt.Errorf("archive %s: %w", dir, err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != a.SHA256 {
			return nil, fmt.Errorf("archived %s changed since it was archived: run `turnkeyd archive verify` and restore it", a.Path)
		}
		md, err := mig.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("archived %s: %w", a.Path, err)
		}
		return json.Marshal(md)
	}
}

// dropBodies lets the bodies of documents accepted and archived longer
// than KeepBodies ago leave the ledger.
func (a *Archive) dropBodies(ctx context.Context) error {
	if a.cfg.KeepBodies <= 0 {
		return nil
	}
	before := a.cfg.Now().Add(-a.cfg.KeepBodies)
	for {
		n, err := a.cfg.Ledger.DropBodies(ctx, before, 1000)
		if err != nil || n < 1000 {
			if n > 0 {
				a.log.Info("document bodies left the ledger; the archive holds their XML", "documents", n)
			}
			return err
		}
	}
}
