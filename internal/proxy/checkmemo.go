package proxy

import (
	"encoding/binary"
	"net/http"
	"slices"
	"sync"

	"github.com/corsgate/corsgate/cors"
)

// CheckMemo memoises cors.Check for actual (non-OPTIONS) requests under one
// policy: serve's default output judges every proxied exchange, and a
// browser's requests to one API repeat the same few judgements. The
// checker is a pure function of its Exchange, and for a method other than
// OPTIONS it reads only (cors/checker.go: run, corsCheck, hiddenError,
// actual, policyFindings, backendOutsidePolicy):
//
//   - the method (only to see that it is not OPTIONS), the status, the
//     credentials mode, ProxyMade and the body (quoted by
//     ERROR_HIDDEN_AS_CORS), and the policy;
//   - the request's Origin lines;
//   - the response's Access-Control-Allow-Origin, -Allow-Credentials,
//     -Allow-Methods, -Allow-Headers and -Expose-Headers lines, and Vary;
//   - whether BackendHeader is nil, and its Access-Control-Allow-Origin,
//     -Allow-Credentials, -Allow-Methods and -Allow-Headers lines.
//
// The memo key holds all of these (and every other Access-Control-* line of
// both headers the checker knows, for safety); an exchange with an
// Access-Control-* field outside that list, an OPTIONS request or another
// policy is judged by cors.Check directly. TestCheckMemoKeyCoversInputs
// checks that no other header name found in the cors package changes a
// judgement, and FuzzCheckMemo that memoised and direct judgements agree.
//
// The Results it returns are shared: read them, do not modify them. The memo
// holds at most checkMemoMax judgements and starts over when full.
type CheckMemo struct {
	policy *cors.Policy
	mu     sync.RWMutex
	m      map[string]cors.Result
}

const checkMemoMax = 4096

// NewCheckMemo returns a memo for exchanges judged under policy.
func NewCheckMemo(policy *cors.Policy) *CheckMemo {
	return &CheckMemo{policy: policy, m: make(map[string]cors.Result)}
}

// The Access-Control-* fields the memo keys on, in key order.
var memoResponseFields = [...]string{
	"Access-Control-Allow-Origin",
	"Access-Control-Allow-Credentials",
	"Access-Control-Allow-Methods",
	"Access-Control-Allow-Headers",
	"Access-Control-Expose-Headers",
	"Access-Control-Max-Age",
	"Access-Control-Allow-Private-Network",
}

// Check returns cors.Check(x).
func (c *CheckMemo) Check(x *cors.Exchange) cors.Result {
	var buf [512]byte
	key, ok := c.key(buf[:0], x)
	if !ok {
		return check(*x)
	}
	c.mu.RLock()
	res, hit := c.m[string(key)]
	c.mu.RUnlock()
	if hit {
		return res
	}
	res = check(*x)
	c.mu.Lock()
	if len(c.m) >= checkMemoMax {
		clear(c.m)
	}
	c.m[string(key)] = res
	c.mu.Unlock()
	return res
}

// key writes the memo key of x: every input of the check (see CheckMemo),
// each part as its count of values and each value as its length and bytes,
// so that no two inputs share a key. ok is false for an exchange the memo
// does not take.
func (c *CheckMemo) key(b []byte, x *cors.Exchange) ([]byte, bool) {
	if x.Policy != c.policy || x.Method == http.MethodOptions {
		return nil, false
	}
	var resp, backend memoFields
	if !resp.collect(x.ResponseHeader) || !backend.collect(x.BackendHeader) {
		return nil, false
	}
	b = memoPart(b, x.Method)
	b = binary.AppendVarint(b, int64(x.Status))
	b = append(b, byte(x.Credentials))
	if x.ProxyMade {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = memoPart(b, x.RequestHeader["Origin"]...)
	for _, vals := range resp {
		b = memoPart(b, vals...)
	}
	if x.BackendHeader == nil {
		b = append(b, 0)
	} else {
		b = append(b, 1)
		for _, vals := range backend[:len(memoResponseFields)] {
			b = memoPart(b, vals...)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(x.Body)))
	return append(b, x.Body...), true
}

// memoFields holds the lines of memoResponseFields, in that order, then
// Vary's.
type memoFields [len(memoResponseFields) + 1][]string

// collect reads h's fields the key holds, in one pass over h; false means h
// has an Access-Control-* field outside memoResponseFields.
func (f *memoFields) collect(h http.Header) bool {
	for k, vals := range h {
		switch {
		case k == "Vary":
			f[len(memoResponseFields)] = vals
		case len(k) > 15 && k[:15] == "Access-Control-":
			i := slices.Index(memoResponseFields[:], k)
			if i < 0 {
				return false
			}
			f[i] = vals
		}
	}
	return true
}

// check judges a copy of the exchange: cors.Check keeps its argument, which
// would move every caller's Exchange to the heap, hits included.
func check(x cors.Exchange) cors.Result { return cors.Check(&x) }

func memoPart(b []byte, vals ...string) []byte {
	b = binary.AppendUvarint(b, uint64(len(vals)))
	for _, v := range vals {
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	return b
}
