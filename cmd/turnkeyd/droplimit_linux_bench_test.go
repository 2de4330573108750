//go:build linux

package main

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// syncfsBatch writes files in batches of 1,000 without fsync, makes each
// batch durable with one syncfs of the file system, then renames its files
// into place and fsyncs the folder once: each file is complete on disk
// before it has its final name.
var syncfsBatch = func(dir string, n int, data []byte) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	for start := 0; start < n; start += 1000 {
		end := min(n, start+1000)
		for i := start; i < end; i++ {
			tmp, _ := dropNames(dir, i)
			if err := os.WriteFile(tmp, data, 0o644); err != nil {
				return err
			}
		}
		if err := unix.Syncfs(int(d.Fd())); err != nil {
			return fmt.Errorf("syncfs %s: %w", dir, err)
		}
		for i := start; i < end; i++ {
			tmp, final := dropNames(dir, i)
			if err := os.Rename(tmp, final); err != nil {
				return err
			}
		}
		if err := d.Sync(); err != nil {
			return fmt.Errorf("fsync %s: %w", dir, err)
		}
	}
	return nil
}
