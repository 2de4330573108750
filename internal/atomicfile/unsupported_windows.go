//go:build windows

package atomicfile

// On Windows a folder handle cannot be flushed; the rename is durable once
// the OS returns.
func isUnsupported(error) bool { return true }
