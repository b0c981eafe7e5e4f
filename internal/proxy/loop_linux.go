//go:build linux

package proxy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/corsgate/corsgate/cors"
)

// eventLoop answers, in one goroutine with its own epoll set, the requests the handler
// answers itself (preflights, the proxy's own 400/403/404/405/431 replies, or
// everything when the backend is the in-process mock), the way nginx or
// Envoy serve: edge-triggered readiness, one read and one write system call
// per request, and no read that is known to find nothing (after a short read
// the socket is drained, and with edge triggering any later data raises a
// new event). A goroutine per connection costs a third read (the one that
// finds nothing before the goroutine parks) and two scheduler hand-offs per
// request; on two cores shared with the load generator that kept preflights
// at ~0.75x nginx's rate.
//
// A connection stays on the loop while its requests are answered locally.
// The first request that needs the backend, has a body, or is anything the
// lean parser does not take moves the connection, with the bytes already
// read and any response not yet written, to the goroutine server (which may
// in turn hand it to net/http); it does not come back.
type eventLoop struct {
	srv   *h1Server
	local localServer
	ln    net.Listener
	epfd  int
	lfd   int    // a duplicate of the listener's descriptor
	wake  [2]int // a pipe that wakes epoll_wait for shutdown
	conns map[int]*loopConn
	addr  net.Addr

	// The handlers run here, one at a time, writing into out.
	sc      h1ServerConn
	out     bytes.Buffer
	scratch reqScratch
	dec     cors.Decision
	now     time.Time
	swept   time.Time
	done    chan error

	mu     sync.Mutex // guards exited against stop
	exited bool       // the descriptors are closed
}

type loopConn struct {
	fd      int
	buf     []byte
	n       int    // bytes in buf
	pending []byte // response bytes not yet written
	base    *http.Request
	remote  string
	last    time.Time // last byte read
	close   bool      // close once pending is written
}

// epollET is EPOLLET, bit 31 on every Linux architecture (package syscall
// spells it as a negative int on some and a positive one on others).
const epollET = 1 << 31

const loopEvents uint32 = syscall.EPOLLIN | syscall.EPOLLOUT | syscall.EPOLLRDHUP | epollET

// newEventLoop prepares a loop for h on ln, or returns false when it cannot
// run (the handler does not say which requests it answers itself, or the
// listener is not TCP).
func newEventLoop(s *h1Server, ln net.Listener) (*eventLoop, bool) {
	la, ok := s.handler.(localServer)
	if !ok {
		return nil, false
	}
	tl, ok := ln.(*net.TCPListener)
	if !ok {
		return nil, false
	}
	rc, err := tl.SyscallConn()
	if err != nil {
		return nil, false
	}
	lfd := -1
	if cerr := rc.Control(func(fd uintptr) { lfd, err = syscall.Dup(int(fd)) }); cerr != nil || err != nil {
		return nil, false
	}
	syscall.CloseOnExec(lfd)
	l := &eventLoop{srv: s, local: la, ln: ln, lfd: lfd, conns: map[int]*loopConn{},
		addr: ln.Addr(), done: make(chan error, 1), epfd: -1, wake: [2]int{-1, -1}}
	fail := func() (*eventLoop, bool) { l.closeFDs(); return nil, false }
	if err := syscall.SetNonblock(lfd, true); err != nil {
		return fail()
	}
	if l.epfd, err = syscall.EpollCreate1(syscall.EPOLL_CLOEXEC); err != nil {
		return fail()
	}
	if err := syscall.Pipe2(l.wake[:], syscall.O_NONBLOCK|syscall.O_CLOEXEC); err != nil {
		return fail()
	}
	if syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_ADD, lfd, &syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(lfd)}) != nil ||
		syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_ADD, l.wake[0], &syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(l.wake[0])}) != nil {
		return fail()
	}
	l.sc = h1ServerConn{srv: s, bw: bufio.NewWriterSize(&l.out, 4<<10)}
	return l, true
}

func (l *eventLoop) closeFDs() {
	for _, fd := range []int{l.lfd, l.epfd, l.wake[0], l.wake[1]} {
		if fd >= 0 {
			syscall.Close(fd)
		}
	}
}

// stop makes run return; the connections still on the loop are closed (none
// is in the middle of a request: the loop answers each at once).
func (l *eventLoop) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.exited { // after that the descriptor number may belong to another file
		syscall.Write(l.wake[1], []byte{1})
	}
}

// loopYield is how long the loop runs before it yields its thread to the
// scheduler while events keep coming (see run).
const loopYield = 2 * time.Millisecond

func (l *eventLoop) run() {
	// The loop is an ordinary goroutine, not locked to its thread, and under
	// load it yields every loopYield. A goroutine that runs for 10 ms without
	// a scheduling point is preempted by the runtime's monitor thread: a
	// signal, and the monitor then polls every 20 µs for a while; for a
	// goroutine locked to its thread a preemption also hands the thread's
	// slot to another thread and back. On two cores shared with the load
	// generator each of those wake-ups takes the loop's core for a moment,
	// and that was the preflight p99: with LockOSThread and no yield the
	// loop's thread was switched out involuntarily ~450 times a second and
	// p99 was 1.36-1.57x nginx's; unlocked and yielding, 1.07-1.13x in the
	// same runs (bench/RESULTS.md). Yielding an unlocked goroutine with
	// nothing else to run costs well under a microsecond.
	var yielded time.Time
	defer func() {
		for fd, c := range l.conns {
			if len(c.pending) > 0 {
				syscall.Write(fd, c.pending) // a last try; the socket is not blocking
			}
			syscall.Close(fd)
		}
		l.conns = nil
		l.mu.Lock()
		l.exited = true
		l.closeFDs()
		l.mu.Unlock()
	}()
	events := make([]syscall.EpollEvent, 128)
	for {
		// Under load events are waiting: take them with a raw, non-blocking
		// epoll_wait, which does not hand the thread's scheduler slot away
		// and back (the blocking call does, at a cost of microseconds per
		// call). Only when nothing is ready does the loop block.
		n, err := rawEpollWait(l.epfd, events)
		if n == 0 && err == nil {
			n, err = syscall.EpollWait(l.epfd, events, 1000)
		}
		if err != nil && !errors.Is(err, syscall.EINTR) {
			l.done <- err
			return
		}
		l.now = time.Now()
		for i := 0; i < n; i++ {
			ev := &events[i]
			fd := int(ev.Fd)
			switch fd {
			case l.wake[0]:
				l.done <- nil
				return
			case l.lfd:
				if err := l.accept(); err != nil {
					l.done <- err
					return
				}
				continue
			}
			c := l.conns[fd]
			if c == nil {
				continue
			}
			l.event(c, ev.Events)
		}
		if l.now.Sub(l.swept) > time.Second {
			l.sweep()
		}
		if l.now.Sub(yielded) > loopYield {
			yielded = l.now
			runtime.Gosched()
		}
	}
}

// event handles one connection's readiness. A panic here (a bug: handler
// panics are recovered where they run) closes that connection, not the loop.
func (l *eventLoop) event(c *loopConn, events uint32) {
	defer func() {
		if p := recover(); p != nil {
			buf := make([]byte, 64<<10)
			buf = buf[:runtime.Stack(buf, false)]
			log.Printf("corsgate: event loop: panic serving %s: %v\n%s", c.remote, p, buf)
			l.out.Reset()
			if l.conns[c.fd] == c {
				l.closeConn(c)
			}
		}
	}()
	if events&syscall.EPOLLOUT != 0 && len(c.pending) > 0 {
		l.flush(c)
		if l.conns[c.fd] == nil {
			return
		}
	}
	if events&(syscall.EPOLLIN|syscall.EPOLLRDHUP|syscall.EPOLLHUP|syscall.EPOLLERR) != 0 {
		l.readable(c)
	}
}

// accept takes every pending connection (the listener is level-triggered).
func (l *eventLoop) accept() error {
	for {
		fd, sa, err := syscall.Accept4(l.lfd, syscall.SOCK_NONBLOCK|syscall.SOCK_CLOEXEC)
		if err != nil {
			switch {
			case errors.Is(err, syscall.EAGAIN), errors.Is(err, syscall.EINTR), errors.Is(err, syscall.ECONNABORTED):
				return nil
			case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE), errors.Is(err, syscall.ENOBUFS),
				errors.Is(err, syscall.ENOMEM):
				// Out of descriptors or memory: leave the connection
				// queued; the next wake-up tries again.
				time.Sleep(5 * time.Millisecond)
				return nil
			}
			return err
		}
		if l.srv.stopping.Load() {
			syscall.Close(fd)
			continue
		}
		// As Go's listener does for accepted connections.
		syscall.SetsockoptInt(fd, syscall.IPPROTO_TCP, syscall.TCP_NODELAY, 1)
		syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, syscall.SO_KEEPALIVE, 1)
		c := &loopConn{fd: fd, buf: make([]byte, headBufSize), remote: sockaddrString(sa), last: l.now}
		c.base = (&http.Request{}).WithContext(context.WithValue(l.srv.baseCtx, http.LocalAddrContextKey, l.addr))
		if err := syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_ADD, fd, &syscall.EpollEvent{Events: loopEvents, Fd: int32(fd)}); err != nil {
			syscall.Close(fd)
			continue
		}
		l.conns[fd] = c
	}
}

func sockaddrString(sa syscall.Sockaddr) string {
	switch a := sa.(type) {
	case *syscall.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port)).String()
	case *syscall.SockaddrInet6:
		ip := netip.AddrFrom16(a.Addr)
		if a.ZoneId != 0 {
			if ifi, err := net.InterfaceByIndex(int(a.ZoneId)); err == nil {
				ip = ip.WithZone(ifi.Name)
			}
		}
		return netip.AddrPortFrom(ip, uint16(a.Port)).String()
	}
	return ""
}

// readable reads what the socket has and answers every complete request.
func (l *eventLoop) readable(c *loopConn) {
	for {
		full := false
		eof := false
		for c.n < len(c.buf) {
			k, err := rawRead(c.fd, c.buf[c.n:])
			if k > 0 {
				space := len(c.buf) - c.n
				c.n += k
				c.last = l.now
				if k < space {
					break // drained: edge triggering reports any later data
				}
				continue
			}
			if errors.Is(err, syscall.EINTR) {
				continue
			}
			if errors.Is(err, syscall.EAGAIN) {
				break
			}
			eof = true // 0 bytes (the client closed its side) or an error
			break
		}
		full = c.n == len(c.buf)
		if !l.process(c) {
			return
		}
		if eof {
			// Nothing more will come: close once the answers to what was
			// complete are written.
			c.close = true
			if len(c.pending) == 0 {
				l.closeConn(c)
			}
			return
		}
		if !full || c.n == len(c.buf) {
			return
		}
		// The buffer was full and requests were consumed: read the rest
		// now, as no new edge will report it.
	}
}

// process answers the complete requests in c's buffer; it returns false when
// the connection left the loop (closed or moved).
func (l *eventLoop) process(c *loopConn) bool {
	for c.n > 0 {
		end := headEnd(c.buf[:c.n])
		if end == 0 && c.n < len(c.buf) {
			break // wait for the rest of the head
		}
		if end <= 0 {
			l.move(c) // a head larger than the buffer, or bare LF line ends
			return false
		}
		if l.local.preflightRaw(c.buf[:end], &l.dec) {
			// An allowed preflight, read from the raw head: the same answer
			// without building an http.Request.
			w := &l.sc.resp
			w.reset(&l.sc, optionsRequest, l.srv.stopping.Load())
			w.writeDecision(&l.dec)
			keep := w.finish() && !w.closeAfter
			l.sc.bw.Flush()
			c.n = copy(c.buf, c.buf[end:c.n])
			if !keep {
				c.close = true
				break
			}
			continue
		}
		req := parseRequestHead(c.buf[:end], c.base, &l.scratch)
		if req == nil || req.ContentLength != 0 {
			l.move(c)
			return false
		}
		req.Body = http.NoBody
		req.RemoteAddr = c.remote
		keep, answered := l.answer(req)
		if !answered {
			l.move(c) // nothing was written for this request
			return false
		}
		c.n = copy(c.buf, c.buf[end:c.n])
		if !keep || req.Close {
			c.close = true
			break
		}
	}
	// The answers to the requests of this read go out in one write, from
	// the loop's buffer; only what the socket does not take is kept.
	if l.out.Len() > 0 {
		out := l.out.Bytes()
		if len(c.pending) == 0 {
			k, err := rawWrite(c.fd, out)
			if err != nil && !errors.Is(err, syscall.EAGAIN) && !errors.Is(err, syscall.EINTR) {
				l.out.Reset()
				l.closeConn(c)
				return false
			}
			out = out[max(k, 0):]
		}
		c.pending = append(c.pending, out...)
		l.out.Reset()
	}
	if len(c.pending) > 0 {
		l.flush(c)
		if l.conns[c.fd] == nil {
			return false
		}
	}
	if c.close && len(c.pending) == 0 {
		l.closeConn(c)
		return false
	}
	return true
}

// answer runs the handler if it answers req itself, writing the response
// into l.out; answered is false when the request needs the backend (nothing
// was written), keep false when the connection must close after the answer.
func (l *eventLoop) answer(req *http.Request) (keep, answered bool) {
	w := &l.sc.resp
	w.reset(&l.sc, req, req.Close || l.srv.stopping.Load())
	defer func() {
		if p := recover(); p != nil {
			keep, answered = false, true
			w.abort = true
			if p != http.ErrAbortHandler {
				buf := make([]byte, 64<<10)
				buf = buf[:runtime.Stack(buf, false)]
				log.Printf("http: panic serving %s: %v\n%s", req.RemoteAddr, p, buf)
			}
		}
		w.req = nil
		l.sc.bw.Flush()
	}()
	if !l.local.serveLocal(w, req) {
		return false, false
	}
	if !w.finish() {
		return false, true
	}
	return !w.closeAfter, true
}

// flush writes pending output; what the socket does not take waits for
// EPOLLOUT.
func (l *eventLoop) flush(c *loopConn) {
	for len(c.pending) > 0 {
		k, err := rawWrite(c.fd, c.pending)
		if k > 0 {
			c.pending = c.pending[:copy(c.pending, c.pending[k:])]
			continue
		}
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if errors.Is(err, syscall.EAGAIN) {
			return
		}
		l.closeConn(c) // the client is gone
		return
	}
	if cap(c.pending) > 64<<10 {
		c.pending = nil // a large answer once; do not keep its buffer
	}
	if c.close {
		l.closeConn(c)
	}
}

func (l *eventLoop) closeConn(c *loopConn) {
	syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_DEL, c.fd, nil)
	syscall.Close(c.fd)
	delete(l.conns, c.fd)
}

// move hands a connection to the goroutine server, with the bytes it has read
// and the output it has not written yet.
func (l *eventLoop) move(c *loopConn) {
	syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_DEL, c.fd, nil)
	delete(l.conns, c.fd)
	f := os.NewFile(uintptr(c.fd), "")
	nc, err := net.FileConn(f) // a duplicate descriptor, in Go's poller
	f.Close()
	if err != nil {
		return
	}
	pre := append([]byte(nil), c.buf[:c.n]...)
	// Answers not yet written: those waiting for the socket, then those the
	// loop made for the earlier requests of this read.
	var out []byte
	if len(c.pending) > 0 || l.out.Len() > 0 {
		out = append(append([]byte(nil), c.pending...), l.out.Bytes()...)
		l.out.Reset()
	}
	l.srv.adopt(&prefixConn{Conn: nc, pre: pre}, out)
}

// sweep closes connections idle for longer than the idle timeout, and those
// whose request head has been arriving for longer than the header timeout.
func (l *eventLoop) sweep() {
	l.swept = l.now
	for _, c := range l.conns {
		idle := l.now.Sub(c.last)
		if c.n == 0 && idle > l.srv.idleTimeout || c.n > 0 && idle > l.srv.readHeaderTimeout {
			l.closeConn(c)
		}
	}
}

// rawRead and rawWrite are read(2) and write(2) on a non-blocking socket.
// They never block, so they skip the scheduler bookkeeping syscall.Read does
// around a call that might (about a tenth of the loop's user time per
// request).
func rawRead(fd int, p []byte) (int, error) {
	r, _, e := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

func rawWrite(fd int, p []byte) (int, error) {
	r, _, e := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// rawEpollWait is epoll_wait with a zero timeout: it never blocks.
func rawEpollWait(epfd int, events []syscall.EpollEvent) (int, error) {
	r, _, e := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(unsafe.SliceData(events))),
		uintptr(len(events)), 0, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// prefixConn is a connection moved off the loop: reads return the bytes the
// loop had read first.
type prefixConn struct {
	net.Conn
	pre []byte
}

func (c *prefixConn) Read(p []byte) (int, error) {
	if len(c.pre) > 0 {
		n := copy(p, c.pre)
		c.pre = c.pre[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}
