package atomicfile

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkRaw is this machine's floor for a durable handoff of one 3.5 KB
// file: write, fsync, rename, one at a time (no folder fsync).
//
//	go test ./internal/atomicfile -run '^$' -bench . -benchtime 2000x
func BenchmarkRaw(b *testing.B) {
	dir := b.TempDir()
	data := make([]byte, 3500)
	i := 0
	for b.Loop() {
		i++
		tmp := filepath.Join(dir, "."+strconv.Itoa(i)+".tmp")
		if err := WriteSynced(tmp, data); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, strconv.Itoa(i)+".xml")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteAll hands the same files over in batches of 256, as the
// daemon does, per file.
func BenchmarkWriteAll(b *testing.B) {
	dir := b.TempDir()
	staging := filepath.Join(dir, "staging")
	data := make([]byte, 3500)
	batch := make([]File, 0, 256)
	i := 0
	flush := func() {
		if err := WriteAll(staging, batch); err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	for b.Loop() {
		i++
		batch = append(batch, File{Dir: dir, Name: strconv.Itoa(i) + ".xml", Data: data})
		if len(batch) == cap(batch) {
			flush()
		}
	}
	flush()
}

func BenchmarkWriteAllSerial(b *testing.B) {
	defer func(w int) { writers = w }(writers)
	writers = 1
	BenchmarkWriteAll(b)
}
