package yamledit

import (
	"github.com/corsgate/corsgate/internal/testenv"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func randomLines(r *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(string(rune('a' + r.Intn(4))))
		b.WriteByte('\n')
	}
	return b.String()
}

func TestLineDiffReconstructs(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 300; i++ {
		a, b := randomLines(r, r.Intn(30)), randomLines(r, r.Intn(30))
		if r.Intn(4) == 0 {
			b = strings.TrimSuffix(b, "\n")
		}
		var ga, gb strings.Builder
		for _, o := range LineDiff([]byte(a), []byte(b)) {
			if o.Kind != '+' {
				ga.WriteString(o.Line)
			}
			if o.Kind != '-' {
				gb.WriteString(o.Line)
			}
		}
		if ga.String() != a || gb.String() != b {
			t.Fatalf("ops do not rebuild the inputs:\na=%q\nb=%q", a, b)
		}
	}
}

// TestUnifiedMatchesDiff compares with diff(1) where it is installed: the
// same hunks, line for line (Myers gives a minimal script; GNU diff too, so
// the number of changed lines must agree; equally short scripts may align
// differently, and never need more hunks).
func TestUnifiedMatchesDiff(t *testing.T) {
	diffPath := testenv.Program(t, "diff")
	r := rand.New(rand.NewSource(2))
	dir := t.TempDir()
	for i := 0; i < 60; i++ {
		base := randomLines(r, 40)
		lines := strings.SplitAfter(base, "\n")
		// A few local edits, like a transform makes.
		for j := 0; j < 1+r.Intn(3); j++ {
			k := r.Intn(len(lines))
			lines[k] = "changed" + lines[k]
		}
		changed := strings.Join(lines, "")
		pa, pb := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		os.WriteFile(pa, []byte(base), 0o644)
		os.WriteFile(pb, []byte(changed), 0o644)
		out, _ := exec.Command(diffPath, "-u", "--label", "a", "--label", "b", pa, pb).Output()
		got := Unified("a", "b", []byte(base), []byte(changed))
		if countChanged(got) != countChanged(string(out)) || strings.Count(hunks(got), "@@ -") > strings.Count(hunks(string(out)), "@@ -") {
			t.Fatalf("diff -u:\n%s\nUnified:\n%s", out, got)
		}
	}
	if Unified("a", "b", []byte("x\n"), []byte("x\n")) != "" {
		t.Error("equal inputs give a non-empty diff")
	}
	if got := Unified("a", "b", []byte("x\n"), []byte("x")); !strings.Contains(got, "\\ No newline at end of file") {
		t.Errorf("missing final newline not marked:\n%s", got)
	}
}

func countChanged(d string) int {
	n := 0
	for _, l := range strings.Split(d, "\n") {
		if (strings.HasPrefix(l, "+") || strings.HasPrefix(l, "-")) && !strings.HasPrefix(l, "+++") && !strings.HasPrefix(l, "---") {
			n++
		}
	}
	return n
}

func hunks(d string) string {
	var h []string
	for _, l := range strings.Split(d, "\n") {
		if strings.HasPrefix(l, "@@") {
			h = append(h, l)
		}
	}
	return strings.Join(h, "\n")
}

func BenchmarkLineDiffLarge(b *testing.B) {
	var sb strings.Builder
	for i := 0; i < 50000; i++ {
		sb.WriteString("  line ")
		sb.WriteString(strings.Repeat("x", i%17))
		sb.WriteByte('\n')
	}
	a := []byte(sb.String())
	c := []byte(strings.Replace(sb.String(), "line xxxxx\n", "line yyyyy\n", 1))
	b.ReportAllocs()
	for b.Loop() {
		if len(LineDiff(a, c)) == 0 {
			b.Fatal("no ops")
		}
	}
}
