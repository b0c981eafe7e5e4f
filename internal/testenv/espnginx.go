package testenv

import (
	_ "embed"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

//go:embed esp-nginx.conf
var espNginxConf string

// ESPValues are the values ESP v1 writes into its nginx configuration for
// --cors_preset=basic.
type ESPValues struct {
	Origin, Methods, Headers, Expose string
}

// ESPNginx runs Debian's nginx configured as ESP v1 configures itself
// (esp-nginx.conf) in front of backend (host:port) and returns the address
// it listens on; nginx stops when t ends. Without nginx, t is Unavailable.
func ESPNginx(t testing.TB, backend string, v ESPValues) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if _, serr := os.Stat("/usr/sbin/nginx"); serr != nil {
			Unavailable(t, "nginx not found (apt-get install -y nginx): %v", err)
		}
		bin = "/usr/sbin/nginx"
	}
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	conf := strings.NewReplacer("{{DIR}}", dir, "{{BACKEND}}", backend, "{{LISTEN}}", addr, "{{ORIGIN}}", v.Origin,
		"{{METHODS}}", v.Methods, "{{HEADERS}}", v.Headers, "{{EXPOSE}}", v.Expose).Replace(espNginxConf)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return addr
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not listen on %s: %v\n%s", addr, err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
