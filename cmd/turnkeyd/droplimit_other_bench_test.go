//go:build !linux

package main

// syncfsBatch is nil where there is no syncfs.
var syncfsBatch func(dir string, n int, data []byte) error
