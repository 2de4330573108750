//go:build !unix

package turnkey

import (
	"context"
	"errors"
)

// FreeSpace is not measured on this system.
func (t *LocalTarget) FreeSpace(context.Context, string) (uint64, error) {
	return 0, errors.ErrUnsupported
}
