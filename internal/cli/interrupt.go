package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"

	"github.com/corsgate/corsgate/internal/safewrite"
	"github.com/spf13/cobra"
)

// signalCause is the cause of the context Main cancels on SIGINT or SIGTERM.
type signalCause struct{ sig os.Signal }

func (c signalCause) Error() string { return c.sig.String() + " signal received" }

// signalContext is cancelled, with a signalCause, by the first SIGINT
// (Ctrl-C) or SIGTERM. stop releases the signals.
func signalContext() (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-ch:
			cancel(signalCause{s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() { signal.Stop(ch); cancel(nil) }
}

// interruptedError is the exit of a command stopped by a signal: 128 plus
// the signal's number, as shells report it (130 for SIGINT, 143 for
// SIGTERM); a context cancelled for another reason counts as SIGINT.
func interruptedError(ctx context.Context) error {
	sig := os.Signal(os.Interrupt)
	if c, ok := errors.AsType[signalCause](context.Cause(ctx)); ok {
		sig = c.sig
	}
	code, word := ExitInterrupted, "interrupted"
	if sig == syscall.SIGTERM {
		code, word = ExitTerminated, "terminated"
	}
	return &ExitError{Code: code, Err: errors.New(word)}
}

// interruptible runs a command's work so that Ctrl-C or SIGTERM ends it at
// once. The work runs on its own goroutine; when the command's context is
// cancelled first, interruptible lets a file replacement in progress finish
// (none starts after), and returns the interrupted exit without waiting for
// the rest: loading a large file or a rule may take seconds before it next
// checks the context, and the process exit ends it. Work that returns
// because of the cancellation is reported as interrupted as well.
func interruptible(cmd *cobra.Command, work func() error) error {
	ctx := cmd.Context()
	gate := &writeGate{ctx: ctx}
	cmd.SetContext(context.WithValue(ctx, writeGateKey{}, gate))
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- inputError(fmt.Errorf("internal error: %v\n%s", r, debug.Stack()))
			}
		}()
		done <- work()
	}()
	select {
	case err := <-done:
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			return interruptedError(ctx)
		}
		return err
	case <-ctx.Done():
		gate.close()
		return interruptedError(ctx)
	}
}

// writeGate orders file replacements with an interruption: a replacement
// that started completes (safewrite never leaves the file half written, but
// its temporary file would stay behind if the process ended mid-write), and
// none starts once the command's context is done.
type writeGate struct {
	ctx    context.Context
	mu     sync.Mutex
	closed bool // the command has returned
}

type writeGateKey struct{}

// errStopped is a replacement refused because the command was interrupted.
var errStopped = errors.New("not written: interrupted")

func (g *writeGate) run(write func() error) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed || g.ctx.Err() != nil {
		return errStopped
	}
	return write()
}

func (g *writeGate) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

// replaceFile is safewrite.Replace through the command's write gate, if it
// has one.
func replaceFile(ctx context.Context, path string, old, data []byte) error {
	write := func() error { return safewrite.Replace(path, old, data) }
	if ctx == nil {
		return write()
	}
	if g, ok := ctx.Value(writeGateKey{}).(*writeGate); ok {
		return g.run(write)
	}
	return write()
}
