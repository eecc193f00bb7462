package output

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// zipTime is the modification time of every archive entry, so two archives
// of the same site are byte-identical whenever and wherever they are built.
var zipTime = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// storedExt lists extensions of formats that are already compressed; they
// are stored as they are instead of being deflated again.
var storedExt = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true,
	".avif": true, ".woff": true, ".woff2": true, ".zip": true, ".gz": true,
	".br": true, ".zst": true, ".mp4": true, ".webm": true,
}

// zipMethod returns the compression method for an entry name.
func zipMethod(name string) uint16 {
	if storedExt[strings.ToLower(path.Ext(name))] {
		return zip.Store
	}
	return zip.Deflate
}

// WriteZip writes files (a whole built site, slash paths relative to the
// site root) to w as a zip archive. Entries are sorted by path and carry a
// fixed time and mode, so the same files always give the same bytes. Every
// path is checked with CheckPath before anything is written; a path that is
// both a file and a folder of other files ("a" and "a/b") is refused too, as
// such an archive cannot be extracted.
func WriteZip(w io.Writer, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for name := range files {
		if err := CheckPath(name); err != nil {
			return err
		}
		if !utf8.ValidString(name) {
			return fmt.Errorf("output path %q is not valid UTF-8", name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for dir := path.Dir(name); dir != "."; dir = path.Dir(dir) {
			if _, ok := files[dir]; ok {
				return fmt.Errorf("output path %q is a file and also the folder of %q", dir, name)
			}
		}
	}

	zw := zip.NewWriter(w)
	for _, name := range names {
		hdr := &zip.FileHeader{
			Name:     name,
			Method:   zipMethod(name),
			Modified: zipTime,
		}
		hdr.SetMode(0o644)
		fw, err := zw.CreateHeader(hdr)
		if err != nil {
			return fmt.Errorf("zip entry %s: %w", name, err)
		}
		if _, err := fw.Write(files[name]); err != nil {
			return fmt.Errorf("zip entry %s: %w", name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("finishing zip archive: %w", err)
	}
	return nil
}

// ZipFile writes files as a zip archive to dest. The archive is written to a
// temporary file next to dest and renamed into place only once complete, so
// dest is either the previous file or the whole new archive, never a
// half-written one; on error the temporary file is removed.
func ZipFile(dest string, files map[string][]byte) (err error) {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot create the archive next to %s: %w", abs, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close() // may already be closed; the error is not the interesting one
			_ = os.Remove(tmp)
		}
	}()

	bw := bufio.NewWriterSize(f, 1<<16)
	if err := WriteZip(bw, files); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		return fmt.Errorf("cannot move the archive into place: %w", err)
	}
	return nil
}
