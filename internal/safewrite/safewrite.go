// Package safewrite replaces files in place without ever leaving them half
// written: the new content goes to a temporary file in the same directory,
// which is renamed over the original. On any error the original is left as
// it was.
package safewrite

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrChanged is returned when the file no longer holds the bytes it was read
// with (edited, replaced or removed by someone else since).
var ErrChanged = errors.New("file changed on disk since it was read")

// Hooks for tests: failures that cannot be produced for real when the tests
// run as root (which ignores directory permissions).
var (
	createTemp = os.CreateTemp
	rename     = os.Rename
)

// Replace writes data to the file at path, which must still hold old (the
// bytes the caller read and transformed). A symbolic link is followed: its
// target is rewritten and the link stays a link. The file keeps its
// permission bits. Ownership is kept only as far as the OS gives a new file
// the same owner (the writing user); corsgate does not chown.
func Replace(path string, old, data []byte) (err error) {
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	st, err := os.Stat(target)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("write %s: not a regular file", path)
	}
	// A file nobody may write is read-only on purpose; a file this user may
	// not write is not ours to replace (renaming over it would succeed
	// whenever the directory is writable).
	if st.Mode().Perm()&0o222 == 0 {
		return fmt.Errorf("write %s: %w: the file is read-only", path, fs.ErrPermission)
	}
	if wf, err := os.OpenFile(target, os.O_WRONLY, 0); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	} else {
		wf.Close()
	}
	cur, err := os.ReadFile(target)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if !bytes.Equal(cur, old) {
		return fmt.Errorf("write %s: %w; run the command again", path, ErrChanged)
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	tmp, err := createTemp(dir, "."+base+".corsgate-*")
	if err != nil {
		return fmt.Errorf("write %s: cannot create a temporary file next to it: %w", path, err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Chmod(st.Mode().Perm()); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// The file may have gone or been replaced while we wrote: never
	// resurrect a removed file or clobber a new one.
	st2, err := os.Stat(target)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("write %s: %w (it was removed)", path, ErrChanged)
			return err
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	if !os.SameFile(st, st2) {
		err = fmt.Errorf("write %s: %w (it was replaced)", path, ErrChanged)
		return err
	}
	if err = rename(tmpName, target); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
