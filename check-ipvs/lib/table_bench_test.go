package checkipvs

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/procnet/mackerel-plugin-proc-net/internal/devtools/bench/gen"
	"github.com/procnet/mackerel-plugin-proc-net/procnet"
)

// BenchmarkEvaluateTable times one check of the generated large director
// (5,000 services x 20 real servers): the walk alone, as before the
// memory, and the walk with an unchanged remembered pool.
func BenchmarkEvaluateTable(b *testing.B) {
	root := filepath.Join(b.TempDir(), "proc")
	if _, err := gen.Write(root, gen.Large); err != nil {
		b.Fatal(err)
	}
	procfs := procnet.NewFS(root)
	opts := defaultOptions()
	opts.StateFile = filepath.Join(b.TempDir(), "state")
	env := runEnv{now: time.Now(), stderr: io.Discard}
	b.Run("walk only", func(b *testing.B) {
		for b.Loop() {
			e := newEvaluation(opts)
			if err := procfs.WalkIPVS(e.add); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("unchanged pools", func(b *testing.B) {
		evaluateTable(procfs, opts, env)
		for b.Loop() {
			if _, _, _, err := evaluateTable(procfs, opts, env); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("first run (no state)", func(b *testing.B) {
		for b.Loop() {
			os.Remove(opts.StateFile)
			if _, _, _, err := evaluateTable(procfs, opts, env); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pools changed", func(b *testing.B) {
		// The remembered fingerprint made to differ: what a run after any
		// change of the pools does (two walks, the whole state read and
		// written).
		evaluateTable(procfs, opts, env)
		state, err := os.ReadFile(opts.StateFile)
		if err != nil {
			b.Fatal(err)
		}
		changed := bytes.Replace(state, []byte(`"pool":"`), []byte(`"pool":"0`), 1)
		for b.Loop() {
			b.StopTimer()
			if err := os.WriteFile(opts.StateFile, changed, 0o600); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, _, _, err := evaluateTable(procfs, opts, env); err != nil {
				b.Fatal(err)
			}
		}
	})
}
