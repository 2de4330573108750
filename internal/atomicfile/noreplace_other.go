//go:build !linux && !windows

package atomicfile

// renameNoReplace leaves it to the hard-link fallback of RenameNoReplace.
func renameNoReplace(src, dst string) error { return errNoReplaceUnsupported }
