//go:build unix

package cli

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/corsgate/corsgate/bench/gen/specgen"
	"github.com/corsgate/corsgate/internal/testenv"
)

// corsgateBinary builds the real command into the test's directory
// (without the race detector, whatever the test binary has, so that a large
// lint costs what it costs users; go's build cache makes this a link).
func corsgateBinary(t *testing.T) string {
	t.Helper()
	goTool := testenv.Program(t, "go")
	path := filepath.Join(t.TempDir(), "corsgate")
	cmd := exec.Command(goTool, "build", "-o", path, "./cmd/corsgate")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return path
}

// interrupted is what a signalled run did.
type interrupted struct {
	code    int
	stdout  string
	stderr  string
	latency time.Duration // from the signal to the exit
}

// signalAfter starts corsgate with args in dir, sends sig once ready says
// so (or after delay when ready is nil), and waits for the exit, killing the
// process if it is still running 10 s after the signal.
func signalAfter(t *testing.T, bin, dir string, stdin io.Reader, sig syscall.Signal, delay time.Duration, args ...string) interrupted {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		t.Fatalf("corsgate %s ended before the signal (%v); the input must keep it busy longer\nstdout: %s\nstderr: %s",
			strings.Join(args, " "), err, stdout.String(), stderr.String())
	case <-time.After(delay):
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	sent := time.Now()
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("corsgate %s still running 10 s after %v", strings.Join(args, " "), sig)
	}
	return interrupted{cmd.ProcessState.ExitCode(), stdout.String(), stderr.String(), time.Since(sent)}
}

func (r interrupted) check(t *testing.T, code int, message string) {
	t.Helper()
	if r.code != code || r.stderr != message {
		t.Errorf("exit %d, stderr %q; want exit %d and %q (stdout: %q)", r.code, r.stderr, code, message, r.stdout)
	}
	if r.latency > time.Second {
		t.Errorf("exited %v after the signal, more than 1 s", r.latency)
	}
	t.Logf("exited %v after the signal", r.latency)
}

// TestInterruptWhileReading: a lint waiting for its input (standard input
// that never ends) stops on SIGINT or SIGTERM at once, with a message and
// the signal's exit code.
func TestInterruptWhileReading(t *testing.T) {
	bin := corsgateBinary(t)
	for _, c := range []struct {
		sig     syscall.Signal
		code    int
		message string
	}{
		{syscall.SIGINT, ExitInterrupted, "corsgate: interrupted\n"},
		{syscall.SIGTERM, ExitTerminated, "corsgate: terminated\n"},
	} {
		t.Run(c.sig.String(), func(t *testing.T) {
			// A pipe nobody writes to (an *os.File, so that the child
			// reads it directly).
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer pr.Close()
			defer pw.Close()
			r := signalAfter(t, bin, t.TempDir(), pr, c.sig, 300*time.Millisecond, "lint", "-")
			r.check(t, c.code, c.message)
			if r.stdout != "" {
				t.Errorf("an interrupted lint printed a report: %q", r.stdout)
			}
		})
	}
}

// TestInterruptLargeLint: a lint of a large generated spec (about a second
// of work on the development machine, and more under load) stops within a
// second of Ctrl-C, without a report.
func TestInterruptLargeLint(t *testing.T) {
	data, err := specgen.Bytes(specgen.Options{Paths: 5000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "big.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	r := signalAfter(t, corsgateBinary(t), dir, nil, syscall.SIGINT, 300*time.Millisecond, "lint", "big.yaml")
	r.check(t, ExitInterrupted, "corsgate: interrupted\n")
	if strings.Contains(r.stdout, "no problems found") || strings.Contains(r.stdout, " in 1 file") {
		t.Errorf("an interrupted lint printed a report: %q", r.stdout)
	}
}

// TestInterruptTransformWrite: transform -w stopped by SIGTERM while it
// waits for its second file (a FIFO nobody writes) leaves the first file
// rewritten whole, the third untouched, and no temporary file.
func TestInterruptTransformWrite(t *testing.T) {
	dir := t.TempDir()
	const before = "swagger: \"2.0\"\ninfo: {title: t, version: 1.0.0}\nhost: a.endpoints.my-project.cloud.goog\npaths: {}\n"
	for _, name := range []string{"a.yaml", "c.yaml"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(before), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "b.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := signalAfter(t, corsgateBinary(t), dir, nil, syscall.SIGTERM, 500*time.Millisecond, "transform", "allow-cors", "on", "-w", "a.yaml", "b.yaml", "c.yaml")
	r.check(t, ExitTerminated, "corsgate: terminated\n")
	a, _ := os.ReadFile(filepath.Join(dir, "a.yaml"))
	if want := strings.Replace(before, "paths:", "x-google-endpoints:\n- name: a.endpoints.my-project.cloud.goog\n  allowCors: true\npaths:", 1); string(a) != want {
		t.Errorf("a.yaml = %q, want it rewritten whole: %q", a, want)
	}
	if c, _ := os.ReadFile(filepath.Join(dir, "c.yaml")); string(c) != before {
		t.Errorf("c.yaml changed: %q", c)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".corsgate-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}
