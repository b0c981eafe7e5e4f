package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
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
}

// Expand turns command-line arguments into inputs: files as given, "-" for
// standard input, glob patterns, and directories searched recursively for
// .yaml/.yml/.json files whose top level holds a "swagger" key. Hidden
// directories and node_modules/vendor are skipped. The result keeps argument
// order; files found in one directory or glob are sorted.
func Expand(args []string) ([]Input, error) {
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
		if arg == "-" {
			add(Input{Name: StdinName})
			continue
		}
		st, err := os.Stat(arg)
		if err == nil && st.IsDir() {
			found, err := findSpecs(arg)
			if err != nil {
				return nil, err
			}
			if len(found) == 0 {
				return nil, fmt.Errorf("directory %s holds no Swagger spec (.yaml, .yml or .json with a top-level \"swagger\" key)", arg)
			}
			for _, f := range found {
				add(Input{Name: f, Path: f, Scanned: true})
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

func findSpecs(dir string) ([]string, error) {
	var found []string
	err := filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() {
			name := de.Name()
			if p != dir && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yaml", ".yml", ".json":
		default:
			return nil
		}
		if looksLikeSwagger(p) {
			found = append(found, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", dir, err)
	}
	sort.Strings(found)
	return found, nil
}

// looksLikeSwagger reads the start of a file and reports whether it has a
// top-level swagger key, without parsing the whole file.
func looksLikeSwagger(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	for _, line := range bytes.Split(head, []byte("\n")) {
		t := bytes.TrimLeft(line, "\xef\xbb\xbf")
		if bytes.HasPrefix(t, []byte("swagger:")) || bytes.HasPrefix(t, []byte(`"swagger":`)) || bytes.HasPrefix(t, []byte(`'swagger':`)) {
			return true
		}
		if bytes.Contains(t, []byte(`"swagger"`)) && bytes.Contains(head[:min(len(head), 4096)], []byte("{")) {
			return true
		}
	}
	return false
}

// ErrUnreadable marks an input that could not be read at all (exit code 3).
var ErrUnreadable = errors.New("unreadable input")

// Read reads an input's bytes, from stdin when Path is empty, refusing more
// than maxSize bytes (0 means DefaultMaxSize).
func Read(in Input, stdin io.Reader, maxSize int64) ([]byte, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	var r io.Reader
	sizeHint := int64(0)
	if in.Path == "" {
		if stdin == nil {
			return nil, fmt.Errorf("%s: %w: no standard input", in.Name, ErrUnreadable)
		}
		r = stdin
	} else {
		st, err := os.Stat(in.Path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w: %w", in.Name, ErrUnreadable, err)
		}
		if st.IsDir() {
			return nil, fmt.Errorf("%s: %w: is a directory", in.Name, ErrUnreadable)
		}
		if st.Size() > maxSize {
			return nil, &LoadError{File: in.Name, Kind: KindTooLarge,
				Msg: fmt.Sprintf("file is %d bytes, more than the limit of %d bytes (raise it with --max-size)", st.Size(), maxSize)}
		}
		f, err := os.Open(in.Path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w: %w", in.Name, ErrUnreadable, err)
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
		return nil, fmt.Errorf("%s: %w: %w", in.Name, ErrUnreadable, err)
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
