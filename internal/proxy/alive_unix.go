//go:build unix

package proxy

import (
	"net"
	"syscall"
)

// alive reports whether an idle pooled connection is still open: a
// non-blocking peek that sees end-of-file (or data the backend should not
// have sent) means the backend closed or broke it while it sat in the pool.
func alive(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	ok = false
	var buf [1]byte
	err = rc.Read(func(fd uintptr) bool {
		_, _, rerr := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		// Nothing to read: still open. End of file, unexpected bytes, or an
		// error: not reusable.
		ok = rerr == syscall.EAGAIN || rerr == syscall.EWOULDBLOCK
		return true // never wait
	})
	return ok && err == nil
}
