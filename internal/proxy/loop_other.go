//go:build !linux

package proxy

import "net"

// eventLoop exists on Linux only (epoll); elsewhere the goroutine server
// takes every connection.
type eventLoop struct{ done chan error }

func newEventLoop(*h1Server, net.Listener) (*eventLoop, bool) { return nil, false }

func (*eventLoop) run()  {}
func (*eventLoop) stop() {}

func (*eventLoop) closeFDs() {}
