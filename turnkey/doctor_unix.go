//go:build unix

package turnkey

import (
	"context"
	"syscall"
)

// FreeSpace implements Doctored on the local file system.
func (t *LocalTarget) FreeSpace(_ context.Context, dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return uint64(st.Bsize) * st.Bavail, nil
}
