// Command analyze reads what one bench/probe/run.sh row produced, corsgate
// serve's --report (JSON Lines, one object per request the server saw) and
// corsgate probe's --format json report, and prints one Markdown table row:
// the requests probe sent and serve saw, the largest number of requests in
// flight at the server at once, the most requests that arrived within any
// one second, and the mean arrival rate.
//
//	analyze -serve serve.jsonl -probe probe.json -label "c=8, no rate" -wall 1.23 -cpu 0.45
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "analyze:", err)
		os.Exit(2)
	}
}

func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	servePath := fs.String("serve", "", "serve's --report file")
	probePath := fs.String("probe", "", "probe's JSON report")
	label := fs.String("label", "", "the row's label")
	wall := fs.Float64("wall", 0, "probe's wall time in seconds (from /usr/bin/time)")
	cpu := fs.Float64("cpu", 0, "probe's CPU time (user+system) in seconds")
	if err := fs.Parse(args); err != nil {
		return err
	}
	spans, err := readServe(*servePath)
	if err != nil {
		return err
	}
	p, err := readProbe(*probePath)
	if err != nil {
		return err
	}
	s := summarize(spans)
	fmt.Fprintf(w, "| %s | %d | %d | %d | %d | %.2f | %.2f | %d | %d | %.1f |\n", *label, p.operations, p.Summary.Exchanges,
		p.Summary.Requests, len(spans), *wall, *cpu, s.maxInFlight, s.maxPerSecond, s.meanRate)
	return nil
}

// span is one request at the server: arrival and completion.
type span struct{ start, end time.Time }

type stats struct {
	maxInFlight, maxPerSecond int
	meanRate                  float64
}

// summarize computes the concurrency and rate the server saw.
func summarize(spans []span) stats {
	var s stats
	if len(spans) == 0 {
		return s
	}
	type event struct {
		at    time.Time
		delta int
	}
	events := make([]event, 0, 2*len(spans))
	starts := make([]time.Time, len(spans))
	for i, sp := range spans {
		events = append(events, event{sp.start, 1}, event{sp.end, -1})
		starts[i] = sp.start
	}
	// Ends sort before starts at the same instant: a request that finished
	// is not in flight with the next one.
	sort.Slice(events, func(i, j int) bool {
		if !events[i].at.Equal(events[j].at) {
			return events[i].at.Before(events[j].at)
		}
		return events[i].delta < events[j].delta
	})
	n := 0
	for _, e := range events {
		n += e.delta
		s.maxInFlight = max(s.maxInFlight, n)
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i].Before(starts[j]) })
	j := 0
	for i := range starts {
		for starts[i].Sub(starts[j]) >= time.Second {
			j++
		}
		s.maxPerSecond = max(s.maxPerSecond, i-j+1)
	}
	if d := starts[len(starts)-1].Sub(starts[0]); d > 0 {
		s.meanRate = float64(len(starts)-1) / d.Seconds()
	}
	return s
}

func readServe(path string) ([]span, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []span
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var e struct {
			Time       time.Time `json:"time"`
			DurationMS float64   `json:"duration_ms"`
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		out = append(out, span{e.Time, e.Time.Add(time.Duration(e.DurationMS * float64(time.Millisecond)))})
	}
	return out, sc.Err()
}

type probeReport struct {
	Results []struct {
		Operation string `json:"operation"`
		ForMethod string `json:"for_method"`
		Template  string `json:"template"`
	} `json:"results"`
	Summary struct {
		Exchanges int `json:"exchanges"`
		Requests  int `json:"requests"`
	} `json:"summary"`
	operations int
}

func readProbe(path string) (*probeReport, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p probeReport
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	ops := map[string]bool{}
	for _, r := range p.Results {
		ops[r.ForMethod+" "+r.Template] = true
	}
	p.operations = len(ops)
	return &p, nil
}
