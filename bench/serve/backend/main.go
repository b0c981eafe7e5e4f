// Command backend is the origin server for bench/serve/run.sh: a minimal
// net/http server that answers GET/POST/PUT/... with 200 and a small fixed
// JSON body, and OPTIONS with 204 and no CORS headers (a backend that does not
// do CORS, like corsgate serve's mock). It binds loopback only.
//
//	backend -listen 127.0.0.1:0     # prints "listening on http://ADDR" on stderr
//	backend -freeport               # prints a free loopback port and exits
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
)

var body = []byte(`{"id":"42","name":"bench item","tags":["a","b","c"],"ok":true}` + "\n")

var bodyLen = strconv.Itoa(len(body))

func handle(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	h["Content-Type"] = []string{"application/json"}
	h["Content-Length"] = []string{bodyLen}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "loopback address to listen on")
	freeport := flag.Bool("freeport", false, "print a free loopback TCP port and exit")
	flag.Parse()
	if *freeport {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(ln.Addr().(*net.TCPAddr).Port)
		ln.Close()
		return
	}
	host, _, err := net.SplitHostPort(*listen)
	if err != nil || (host != "127.0.0.1" && host != "::1" && host != "localhost") {
		fmt.Fprintf(os.Stderr, "backend: -listen %q: loopback addresses only\n", *listen)
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "listening on http://%s\n", ln.Addr())
	srv := &http.Server{Handler: http.HandlerFunc(handle)}
	go func() {
		c := make(chan os.Signal, 1)
		signal.Notify(c, os.Interrupt, syscall.SIGTERM)
		<-c
		srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
