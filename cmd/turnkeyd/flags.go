package main

import (
	"errors"
	"flag"
)

// parseArgs parses the flags of fs wherever they stand among args (Go's
// flag package stops at the first positional argument, which left
// `invoice show NUMBER -config F` silently using the default
// configuration) and returns the positional arguments. After "--" every
// argument is positional. ok is false when the command must end with code:
// 0 after -h, 2 after a flag error (already printed with the usage).
func parseArgs(fs *flag.FlagSet, args []string) (pos []string, code int, ok bool) {
	for {
		rest := args
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, 0, false
			}
			return nil, 2, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, 0, true
		}
		if consumed := len(rest) - len(args); consumed > 0 && rest[consumed-1] == "--" {
			return append(pos, args...), 0, true
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
