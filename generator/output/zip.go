package output

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
// such an archive cannot be extracted. The archive's comment marks it as
// Casefile's (see IsArchive).
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
	if err := zw.SetComment(stampHeader); err != nil {
		return err
	}
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

// isArchive reports whether the file at p is a zip archive a build wrote
// (WriteZip marks it with its comment).
func isArchive(p string) bool {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return false
	}
	defer zr.Close()
	return zr.Comment == stampHeader
}

// CheckArchive refuses archive paths a build must not write: one inside the
// source's content/, templates/ or static/ (the next build would publish
// it), and anything existing (the source folder and every other folder
// included) but an archive an earlier build wrote.
func CheckArchive(source, dest string) error {
	src, err := canonical(source)
	if err != nil {
		return err
	}
	out, err := canonical(dest)
	if err != nil {
		return err
	}
	example := filepath.Join(filepath.Dir(src), filepath.Base(src)+".zip")
	for _, sub := range []string{"content", "templates", "static"} {
		if d := filepath.Join(src, sub); out == d || within(out, d) {
			return fmt.Errorf("archive %s is inside the source's %s/ folder, which builds read; choose a path outside it such as %s", filepath.Clean(dest), sub, example)
		}
	}
	_, err = archiveTarget(dest)
	return err
}

// archiveTarget returns the file a build of the archive dest replaces:
// dest made absolute, or the file it leads to if it is a symbolic link
// (the link stays). It refuses anything existing there but an archive an
// earlier build wrote, and a link that leads nowhere.
func archiveTarget(dest string) (string, error) {
	name := filepath.Clean(dest)
	abs, err := filepath.Abs(dest)
	if err != nil {
		return "", err
	}
	if abs, err = followLink(abs); err != nil {
		return "", fmt.Errorf("archive %s %v; remove the link or choose another --archive", name, err)
	}
	fi, err := os.Lstat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return abs, nil
	case err != nil:
		return "", &Error{Op: "read the archive", Path: name, Err: err}
	case fi.IsDir():
		return "", fmt.Errorf("archive %s is a folder; --archive names the zip file to write, such as %s", name, filepath.Join(name, "site.zip"))
	case !fi.Mode().IsRegular() || !isArchive(abs):
		return "", fmt.Errorf("archive %s exists and is not an archive a Casefile build wrote; a build replaces the file whole, so choose another name, or, if it is an archive of an earlier Casefile version (they carried no mark), delete it once and build again", name)
	}
	return abs, nil
}

// ZipFile writes files as a zip archive to dest, which must be new or an
// archive an earlier build wrote (see archiveTarget). The archive is written
// to a temporary file next to dest and renamed into place only once
// complete, so dest is either the previous file or the whole new archive,
// never a half-written one; on error the temporary file is removed.
func ZipFile(dest string, files map[string][]byte) (err error) {
	abs, err := archiveTarget(dest)
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
