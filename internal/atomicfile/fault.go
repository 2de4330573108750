package atomicfile

import "sync"

// The write fault lets tests of other packages make every write through
// this package fail as a full disk or a read-only folder would, without
// filling a disk: the only place a real fault is hard to produce on demand.
var (
	faultMu sync.RWMutex
	fault   func(path string) error
)

// InjectWriteFault makes WriteSynced (and so Write and WriteAll) return
// f(path) when it is not nil, before creating anything; restore ends it.
// For tests only.
func InjectWriteFault(f func(path string) error) (restore func()) {
	faultMu.Lock()
	fault = f
	faultMu.Unlock()
	return func() {
		faultMu.Lock()
		fault = nil
		faultMu.Unlock()
	}
}

func injected(path string) error {
	faultMu.RLock()
	f := fault
	faultMu.RUnlock()
	if f == nil {
		return nil
	}
	return f(path)
}
