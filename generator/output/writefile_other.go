//go:build !linux

package output

import "os"

func createFile(full string, data []byte) error { return os.WriteFile(full, data, 0o644) }
