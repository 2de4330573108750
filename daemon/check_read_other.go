//go:build !unix

package daemon

import "os"

// readCheckFile reads the file at path (buf is for the unix version).
func readCheckFile(path string, _ []byte) ([]byte, error) { return os.ReadFile(path) }
