// Package turnkey owns the folder contract with MOF's Turnkey program: where
// each message is dropped for upload (locally or over SFTP, atomically),
// where Turnkey moves what it picked up (BAK) or refused (ERR), and where it
// leaves the platform's verdicts (ProcessResult, SummaryResult).
package turnkey

import (
	"path/filepath"

	"github.com/turnkeyd/turnkeyd/mig"
)

// UploadMessages are the message types turnkeyd drops for upload.
var UploadMessages = []mig.MessageType{
	mig.F0401, mig.F0501, mig.F0701, mig.G0401, mig.G0501,
	mig.C0401, mig.C0501, mig.C0701, mig.D0401, mig.D0501, mig.A0401,
	mig.E0402,
}

// DefaultUploadDir returns the folder, relative to Turnkey's work folder,
// that Turnkey's UpCast task reads h's messages from
// (<UpCast SRC_PATH>/<MSG>/SRC, domain.md §3.2):
//   - MIG 4.x F/G messages: UpCast/B2SSTORAGE/<MSG>/SRC;
//   - MIG 3.x consumer messages: UpCast/B2CSTORAGE/<MSG>/SRC;
//   - MIG 3.x A0401: UpCast/B2BSTORAGE/A0401/SRC;
//   - E0402: UpCast/B2CSTORAGE/E0402/SRC, as two production configurations
//     of a value-added center have it. Other sites map E0402 to a
//     B2P MESSAGE task: Turnkey's TASK_CONFIG table is the authority, and
//     turnkey.upload.E0402 overrides this default.
func DefaultUploadDir(h mig.Head) string {
	category := "B2SSTORAGE"
	switch {
	case h.Type == mig.A0401:
		category = "B2BSTORAGE"
	case h.Version == mig.V31 || h.Version == mig.V32 || h.Type == mig.E0402:
		category = "B2CSTORAGE"
	}
	return filepath.Join("UpCast", category, string(h.Type), "SRC")
}
