package jobs

import (
	"context"
	"os"
)

// Folder lists and reads Turnkey's download folders (E0501, E0504), on
// this machine or on the Turnkey host over SFTP; turnkey.Reader is one.
type Folder interface {
	// List returns the paths of the files under root, at any depth, in
	// name order, without hidden and temporary files; none when root does
	// not exist.
	List(ctx context.Context, root string) ([]string, error)
	// ReadFile returns the content of the file at path.
	ReadFile(ctx context.Context, path string) ([]byte, error)
}

// LocalFolder is a Folder on the local file system.
type LocalFolder struct{}

// List lists root on the local file system; see Folder.
func (LocalFolder) List(_ context.Context, root string) ([]string, error) { return listFiles(root) }

// ReadFile reads path on the local file system.
func (LocalFolder) ReadFile(_ context.Context, path string) ([]byte, error) { return os.ReadFile(path) }

// folderOr returns f, or the local file system when f is nil.
func folderOr(f Folder) Folder {
	if f == nil {
		return LocalFolder{}
	}
	return f
}
