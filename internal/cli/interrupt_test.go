package cli

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// TestInterruptibleWaitsForWrite: an interruption during a file replacement
// returns only once the replacement is done, and no replacement starts
// after it; the exit code follows the signal.
func TestInterruptibleWaitsForWrite(t *testing.T) {
	ctx, cancel := context.WithCancelCause(t.Context())
	cmd := &cobra.Command{}
	cmd.SetContext(ctx)
	writing, finished := make(chan struct{}), make(chan struct{})
	late, end := make(chan error, 1), make(chan struct{})
	defer close(end)
	go func() {
		<-writing
		cancel(signalCause{syscall.SIGTERM})
	}()
	err := interruptible(cmd, func() error {
		gate := cmd.Context().Value(writeGateKey{}).(*writeGate)
		gate.run(func() error {
			close(writing)
			time.Sleep(200 * time.Millisecond) // the interruption arrives meanwhile
			close(finished)
			return nil
		})
		late <- gate.run(func() error { t.Error("a write started after the interruption"); return nil })
		<-end // the rest of the work outlasts the command
		return nil
	})
	select {
	case <-finished:
	default:
		t.Error("interruptible returned while a write was in progress")
	}
	if e, ok := errors.AsType[*ExitError](err); !ok || e.Code != ExitTerminated || e.Error() != "terminated" {
		t.Errorf("err = %v, want exit %d terminated", err, ExitTerminated)
	}
	if err := <-late; !errors.Is(err, errStopped) {
		t.Errorf("write after the interruption: %v, want errStopped", err)
	}
}

// TestInterruptibleWorkStopsOnCancel: work that notices the cancellation
// and returns its error is reported as interrupted too (SIGINT when the
// context was cancelled without a signal).
func TestInterruptibleWorkStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cmd := &cobra.Command{}
	cmd.SetContext(ctx)
	cancel()
	err := interruptible(cmd, func() error { return cmd.Context().Err() })
	if e, ok := errors.AsType[*ExitError](err); !ok || e.Code != ExitInterrupted {
		t.Errorf("err = %v, want exit %d", err, ExitInterrupted)
	}
	// Without an interruption the work's own result comes back.
	other := &cobra.Command{}
	other.SetContext(t.Context())
	want := os.ErrNotExist
	if err := interruptible(other, func() error { return want }); err != want {
		t.Errorf("err = %v, want %v", err, want)
	}
}
