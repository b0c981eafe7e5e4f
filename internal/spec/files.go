package spec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Input is one document source named on the command line.
type Input struct {
	// Name is what diagnostics call the file: the path as given (or found
	// under a directory), or StdinName.
	Name string
	// Path is the filesystem path; empty for standard input.
	Path string
	// Scanned is true for a file found by searching a directory (as opposed
	// to one named, or matched by a glob, on the command line).
	Scanned bool
	// Err is why a file or directory met while searching a directory could
	// not be read; Read returns it (as a *ReadError).
	Err error
}

// Expand turns command-line arguments into inputs: files as given, "-" for
// standard input, glob patterns, and directories (a symbolic link to one
// too) searched recursively for .yaml/.yml/.json files whose top level holds
// a "swagger" or "openapi" key. Hidden directories and node_modules/vendor are skipped.
// A file or directory the search cannot read becomes an input with Err set,
// so that it is reported, never skipped. The result keeps argument order;
// files found in one directory or glob are sorted. Expand stops with
// ctx.Err() once ctx is done.
func Expand(ctx context.Context, args []string) ([]Input, error) {
	var out []Input
	seen := map[string]bool{}
	add := func(in Input) {
		key := in.Path
		if key == "" {
			key = in.Name
		}
		if seen[key] {
			return
		}
		seen[key] = true
		out = append(out, in)
	}
	for _, arg := range args {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if arg == "-" {
			add(Input{Name: StdinName})
			continue
		}
		st, err := os.Stat(arg)
		if err == nil && st.IsDir() {
			found, err := findSpecs(ctx, arg)
			if err != nil {
				return nil, err
			}
			if len(found) == 0 {
				return nil, fmt.Errorf("directory %s holds no Swagger or OpenAPI spec (.yaml, .yml or .json with a top-level \"swagger\" or \"openapi\" key)", arg)
			}
			for _, f := range found {
				f.Scanned = true
				add(f)
			}
			continue
		}
		if err == nil {
			add(Input{Name: arg, Path: arg})
			continue
		}
		if strings.ContainsAny(arg, "*?[") {
			matches, gerr := filepath.Glob(arg)
			if gerr != nil {
				return nil, fmt.Errorf("bad glob pattern %q: %w", arg, gerr)
			}
			if len(matches) == 0 {
				return nil, fmt.Errorf("no file matches %q", arg)
			}
			sort.Strings(matches)
			for _, m := range matches {
				if st, err := os.Stat(m); err == nil && st.IsDir() {
					continue
				}
				add(Input{Name: m, Path: m})
			}
			continue
		}
		// A missing file is reported when it is read, with the OS error.
		add(Input{Name: arg, Path: arg})
	}
	return out, nil
}

// findSpecs searches dir for spec files. What it cannot read (a file, a
// directory, a dangling link) is returned with Err set, in name order with
// the rest.
func findSpecs(ctx context.Context, dir string) ([]Input, error) {
	root := dir
	if st, err := os.Lstat(dir); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		// WalkDir does not follow a symbolic link at its root; with a
		// trailing separator the path names the directory it points to.
		root = dir + string(filepath.Separator)
	}
	var found []Input
	err := filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			// The directory p (or the root itself) could not be listed.
			found = append(found, Input{Name: p, Path: p, Err: err})
			return nil
		}
		if de.IsDir() {
			name := de.Name()
			if p != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yaml", ".yml", ".json":
		default:
			return nil
		}
		ok, err := looksLikeSpec(p)
		switch {
		case err != nil:
			found = append(found, Input{Name: p, Path: p, Err: err})
		case ok:
			found = append(found, Input{Name: p, Path: p})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(found, func(i, j int) bool { return found[i].Name < found[j].Name })
	return found, nil
}

// looksLikeSpec reads the start of a file and reports whether it has a
// top-level swagger or openapi key, without parsing the whole file. A link to a
// directory is not a spec; a file it cannot read is an error.
func looksLikeSpec(p string) (bool, error) {
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return false, nil
	}
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return false, err
	}
	head = head[:n]
	for _, line := range bytes.Split(head, []byte("\n")) {
		t := bytes.TrimLeft(line, "\xef\xbb\xbf")
		if specKeyYAML.Match(t) {
			return true, nil
		}
		if specKeyJSON.Match(t) && bytes.Contains(head[:min(len(head), 4096)], []byte("{")) {
			return true, nil
		}
	}
	return false, nil
}

// A spec has a top-level swagger or openapi key with a version: at the start
// of a YAML line, or anywhere in a JSON line (the value must look like a
// version, so that a package.json script named "openapi" is not a spec).
var (
	specKeyYAML = regexp.MustCompile(`^["']?(swagger|openapi)["']?\s*:`)
	specKeyJSON = regexp.MustCompile(`"(swagger|openapi)"\s*:\s*"?[0-9]`)
)

// ErrUnreadable marks an input that could not be read at all (exit code 3).
var ErrUnreadable = errors.New("unreadable input")

// ReadError is an input that could not be read. It matches ErrUnreadable.
type ReadError struct {
	File string // the input's Name
	Err  error
}

func (e *ReadError) Error() string { return e.File + ": cannot read: " + e.Reason() }

// Reason says why, without the file name: the OS's words for a path error
// ("permission denied"), else the error's text.
func (e *ReadError) Reason() string {
	if pe, ok := errors.AsType[*fs.PathError](e.Err); ok {
		return pe.Err.Error()
	}
	return e.Err.Error()
}

func (e *ReadError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrUnreadable) true.
func (e *ReadError) Is(target error) bool { return target == ErrUnreadable }

// Read reads an input's bytes, from stdin when Path is empty, refusing more
// than maxSize bytes (0 means DefaultMaxSize). A failure to read is a
// *ReadError.
func Read(in Input, stdin io.Reader, maxSize int64) ([]byte, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	unreadable := func(err error) error { return &ReadError{File: in.Name, Err: err} }
	if in.Err != nil {
		return nil, unreadable(in.Err)
	}
	var r io.Reader
	sizeHint := int64(0)
	if in.Path == "" {
		if stdin == nil {
			return nil, unreadable(errors.New("no standard input"))
		}
		r = stdin
	} else {
		st, err := os.Stat(in.Path)
		if err != nil {
			return nil, unreadable(err)
		}
		if st.IsDir() {
			return nil, unreadable(errors.New("is a directory"))
		}
		if st.Size() > maxSize {
			return nil, &LoadError{File: in.Name, Kind: KindTooLarge,
				Msg: fmt.Sprintf("file is %d bytes, more than the limit of %d bytes (raise it with --max-size)", st.Size(), maxSize)}
		}
		f, err := os.Open(in.Path)
		if err != nil {
			return nil, unreadable(err)
		}
		defer f.Close()
		r = f
		sizeHint = st.Size()
	}
	// Size the buffer from Stat: io.ReadAll alone grows it step by step,
	// allocating about 2.5 times a large spec and copying it on the way.
	buf := bytes.NewBuffer(make([]byte, 0, sizeHint+512))
	_, err := buf.ReadFrom(io.LimitReader(r, maxSize+1))
	data := buf.Bytes()
	if err != nil {
		return nil, unreadable(err)
	}
	if int64(len(data)) > maxSize {
		return nil, &LoadError{File: in.Name, Kind: KindTooLarge,
			Msg: fmt.Sprintf("input is more than the limit of %d bytes (raise it with --max-size)", maxSize)}
	}
	return data, nil
}

// Open reads and parses one input.
func Open(in Input, stdin io.Reader, opts Options) (*Document, error) {
	data, err := Read(in, stdin, opts.maxSize())
	if err != nil {
		return nil, err
	}
	return Parse(in.Name, data, opts)
}
