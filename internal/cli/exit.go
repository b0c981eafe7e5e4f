package cli

import (
	"errors"
	"fmt"
)

// Exit codes, documented in every command's help and in README.md.
const (
	// ExitOK: no findings at or above --fail-on; the command did what it was asked.
	ExitOK = 0
	// ExitFindings: findings at or above --fail-on (lint), or files that would
	// change (transform --check).
	ExitFindings = 1
	// ExitUsage: bad flags or arguments, bad configuration, or a flag set that
	// ESPv2 would refuse to start with.
	ExitUsage = 2
	// ExitInput: an input could not be read, or an internal failure.
	ExitInput = 3
	// ExitInterrupted: lint or transform stopped by Ctrl-C (SIGINT), 128+2
	// as shells report it.
	ExitInterrupted = 130
	// ExitTerminated: lint or transform stopped by SIGTERM (128+15).
	ExitTerminated = 143
)

// exitCodesHelp is appended to the Long help of commands.
const exitCodesHelp = `Exit codes:
  0    clean: no findings at or above --fail-on
  1    findings at or above --fail-on
  2    usage or configuration error
  3    an input could not be read (every output format names it), or internal failure
  130  interrupted by Ctrl-C (SIGINT); 143 stopped by SIGTERM`

// ExitError carries an exit code out of a command. A nil Err means the
// command already printed what it had to say.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// usageError is a flag or argument mistake (exit 2).
func usageError(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// inputError is an unreadable input or an internal failure (exit 3).
func inputError(err error) error { return &ExitError{Code: ExitInput, Err: err} }

// silentExit ends the command with a code and no further message.
func silentExit(code int) error { return &ExitError{Code: code} }

func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	if e, ok := errors.AsType[*ExitError](err); ok {
		return e.Code
	}
	return ExitUsage // cobra's own flag and argument errors
}
