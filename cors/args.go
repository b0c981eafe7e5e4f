package cors

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Arg is one proxy argument exactly as the proxy will receive it, with where
// it came from so findings can point at it.
type Arg struct {
	// Text is the argument after every layer of quoting has been removed
	// (shell words, YAML, ESPv2_ARGS splitting): what argparse sees.
	Text string
	// Line and Column are the 1-based position of the argument in a file
	// (args file or Kubernetes manifest); 0 when the argument has none.
	Line, Column int
	// Index is the 1-based position of the argument on a command line or in
	// an ESPv2_ARGS list; 0 when the argument comes from a file.
	Index int
	// Source names where the argument was read (file name, "ESPv2_ARGS",
	// "command line"); diagnostics use it as their file.
	Source string
}

// ArgList is a list of proxy arguments read from one source.
type ArgList struct {
	// Name names the source in diagnostics: a file name, "ESPv2_ARGS", or
	// "command line".
	Name string
	// Args are the arguments in order (program name and, for `docker run`,
	// the docker options and image already removed).
	Args []Arg
	// Image is the container image the arguments belong to, if known
	// (docker run line or Kubernetes manifest); it hints at the proxy.
	Image string
	// Findings are problems noticed while reading the source itself, such as
	// a comma that split a value inside ESPv2_ARGS.
	Findings []FlagFinding
}

// FlagFinding is a problem found in proxy flags: a stable rule ID, a message
// and the argument it is about. Whoever reports it (package rules for lint,
// flags and serve) gives it the severity registered for the rule.
type FlagFinding struct {
	RuleID  string
	Message string
	// Arg is the argument the finding points at (its position); zero when
	// the finding is about the flag set as a whole.
	Arg Arg
	// Info marks a finding that is only informational for this proxy: it
	// is reported at info severity, whatever the rule's default.
	Info bool
}

// Word is one shell word and the byte offset in the input where it started.
type Word struct {
	Text   string
	Offset int
}

// ErrUnterminatedQuote is returned by ShellWords for an unclosed quote.
var ErrUnterminatedQuote = errors.New("unterminated quote")

// ShellWords splits s into words the way a POSIX shell does for a simple
// command, without any expansion: blanks separate words; single quotes keep
// everything literally; inside double quotes a backslash escapes only
// $ ` " \ and newline; outside quotes a backslash escapes the next
// character and backslash-newline is removed (line continuation); a # at the
// start of a word begins a comment up to the end of the line. An unquoted
// ; & | or newline ends the command: words after the first of those are not
// returned (more reports whether there were any). $VAR and globs are kept
// literally.
func ShellWords(s string) (words []Word, more bool, err error) {
	var (
		b       strings.Builder
		inWord  bool
		start   int
		i       int
		newWord = func(at int) {
			if !inWord {
				inWord = true
				start = at
				b.Reset()
			}
		}
		endWord = func() {
			if inWord {
				words = append(words, Word{Text: b.String(), Offset: start})
				inWord = false
			}
		}
	)
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			endWord()
			i++
		case c == '\n' || c == ';' || c == '&' || c == '|':
			endWord()
			rest := strings.TrimSpace(s[i+1:])
			if c == '\n' {
				// A newline ends the command only if more follows; trailing
				// newlines are harmless.
				if rest == "" {
					return words, false, nil
				}
			}
			return words, true, nil
		case c == '#' && !inWord:
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '\\':
			if i+1 >= len(s) {
				// A trailing backslash stays literal (sh does the same at EOF).
				newWord(i)
				b.WriteByte(c)
				i++
				continue
			}
			if s[i+1] == '\n' {
				i += 2
				continue
			}
			newWord(i)
			_, n := utf8.DecodeRuneInString(s[i+1:])
			b.WriteString(s[i+1 : i+1+n])
			i += 1 + n
		case c == '\'':
			newWord(i)
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, false, fmt.Errorf("%w: ' opened at offset %d", ErrUnterminatedQuote, i)
			}
			b.WriteString(s[i+1 : i+1+j])
			i += j + 2
		case c == '"':
			newWord(i)
			open := i
			i++
			closed := false
			for i < len(s) {
				d := s[i]
				if d == '"' {
					closed = true
					i++
					break
				}
				if d == '\\' && i+1 < len(s) {
					switch s[i+1] {
					case '$', '`', '"', '\\':
						b.WriteByte(s[i+1])
						i += 2
						continue
					case '\n':
						i += 2
						continue
					}
				}
				b.WriteByte(d)
				i++
			}
			if !closed {
				return nil, false, fmt.Errorf("%w: \" opened at offset %d", ErrUnterminatedQuote, open)
			}
		default:
			newWord(i)
			b.WriteByte(c)
			i++
		}
	}
	endWord()
	return words, false, nil
}

// ShellQuote quotes one word for a POSIX shell: unchanged when it holds only
// characters no shell treats specially, else in single quotes (a single quote
// inside is written as '\”).
func ShellQuote(w string) string {
	if w == "" {
		return "''"
	}
	safe := true
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("-_=./:,@%+", c) >= 0) {
			safe = false
			break
		}
	}
	if safe {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}

// ErrMalformedEnvArgs is ESPv2's complaint about an empty custom delimiter
// ("^^…"); env_start_proxy.py then serves 503 instead of starting.
//
//lint:ignore ST1005 ESPv2's exact wording, so users can search for it.
var ErrMalformedEnvArgs = errors.New("Malformed ESPv2_ARGS environment variable")

// SplitEnvArgs splits an ESPv2_ARGS (or ESP_ARGS) value the way ESPv2's
// docker/serverless/env_start_proxy.py (and ESP's env-start-esp.py) does:
// on "," by default; when the value starts with "^" and holds a second "^",
// the text between them is the delimiter and the rest is split on it. Pieces
// are not trimmed and quotes are not removed. An empty custom delimiter
// ("^^…") is an error. It returns the delimiter used.
func SplitEnvArgs(v string) (args []string, delim string, err error) {
	delim = ","
	rest := v
	if strings.HasPrefix(v, "^") {
		if j := strings.IndexByte(v[1:], '^'); j >= 0 {
			delim = v[1 : 1+j]
			rest = v[2+j:]
			if delim == "" {
				return nil, "", ErrMalformedEnvArgs
			}
		}
	}
	if rest == "" {
		return nil, delim, nil
	}
	return strings.Split(rest, delim), delim, nil
}

// SplitGcloudDict splits the value of a gcloud dict flag such as
// `--set-env-vars` as `gcloud topic escaping` documents: items are separated
// by "," unless the value starts with "^DELIM^", and each item is KEY=VALUE
// split at the first "=". Keys keep their order.
func SplitGcloudDict(v string) ([][2]string, error) {
	delim := ","
	if strings.HasPrefix(v, "^") {
		j := strings.IndexByte(v[1:], '^')
		if j <= 0 {
			return nil, fmt.Errorf("gcloud escape %q: want ^DELIM^ with a non-empty delimiter", truncate(v, 20))
		}
		delim = v[1 : 1+j]
		v = v[2+j:]
	}
	var out [][2]string
	for _, item := range strings.Split(v, delim) {
		k, val, ok := strings.Cut(item, "=")
		if !ok {
			return nil, fmt.Errorf("bad syntax for dict arg: [%s]: item %q has no \"=\"", truncate(v, 60), truncate(item, 60))
		}
		out = append(out, [2]string{k, val})
	}
	return out, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
