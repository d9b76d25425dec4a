// Command prof runs one experiment config in process with pprof profiles:
// the CPU profile, the allocation profile and the execution trace of a
// statecraft run, for the performance work in docs/performance.md.
//
//	go run ./tests/bench/prof -config configs/bench/pp.toml -workers 2 -cpu /tmp/pp.cpu -mem /tmp/pp.mem
//	go tool pprof -top /tmp/pp.cpu
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"syscall"
	"time"

	"github.com/statecraft/statecraft/configs"
	"github.com/statecraft/statecraft/runner"
)

type sets []string

func (s *sets) String() string     { return strings.Join(*s, " ") }
func (s *sets) Set(v string) error { *s = append(*s, v); return nil }

func main() {
	config := flag.String("config", "configs/bench/pp.toml", "experiment config (a path)")
	workers := flag.Int("workers", 2, "workers")
	out := flag.String("out", "", "dataset directory (default: a temporary directory, removed)")
	cpu := flag.String("cpu", "", "write a CPU profile here")
	mem := flag.String("mem", "", "write an allocation profile (alloc_space) here")
	tr := flag.String("trace", "", "write an execution trace here")
	rate := flag.Int("memrate", 512*1024, "runtime.MemProfileRate")
	heap := flag.String("heap", "", "write an in-use heap profile here, -heapat into the run")
	heapAt := flag.Duration("heapat", 100*time.Millisecond, "when to take the -heap profile")
	var ss sets
	flag.Var(&ss, "set", "config override key=value (repeatable)")
	flag.Parse()

	runtime.MemProfileRate = *rate
	x, err := configs.Load(*config, ss...)
	check(err)
	plan, err := runner.NewPlan(x, nil)
	check(err)
	dir := *out
	if dir == "" {
		dir, err = os.MkdirTemp("", "statecraft-prof-")
		check(err)
		defer os.RemoveAll(dir)
	}
	syscall.Sync() // start without dirty pages from earlier runs
	if *cpu != "" {
		f, err := os.Create(*cpu)
		check(err)
		check(pprof.StartCPUProfile(f))
	}
	if *tr != "" {
		f, err := os.Create(*tr)
		check(err)
		check(trace.Start(f))
	}
	if *heap != "" {
		time.AfterFunc(*heapAt, func() {
			f, err := os.Create(*heap)
			check(err)
			runtime.GC()
			check(pprof.Lookup("heap").WriteTo(f, 0))
			f.Close()
		})
	}
	start := time.Now()
	res, err := runner.Run(context.Background(), plan, runner.Options{Dir: dir, Workers: *workers, Overwrite: true})
	el := time.Since(start)
	if *cpu != "" {
		pprof.StopCPUProfile()
	}
	if *tr != "" {
		trace.Stop()
	}
	check(err)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpuTime := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	var size int64
	files := res.Files
	for _, t := range res.Tables {
		files = append(files[:len(files):len(files)], t.Files...) // agent tables' files
	}
	for _, f := range files {
		if st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f.Name))); err == nil {
			size += st.Size()
		}
	}
	fmt.Printf("%s: %d rows in %.3f s (%.1f M rows/s), cpu %.3f s, %d files, %.1f MB; peak RSS %d MB, heap sys %d MB, %d GCs, total alloc %d MB\n",
		*config, res.Rows, el.Seconds(), float64(res.Rows)/el.Seconds()/1e6, cpuTime.Seconds(), len(res.Files), float64(size)/1e6,
		ru.Maxrss>>10, ms.HeapSys>>20, ms.NumGC, ms.TotalAlloc>>20)
	if *mem != "" {
		runtime.GC() // the profile reports allocations up to the last GC
		f, err := os.Create(*mem)
		check(err)
		check(pprof.Lookup("allocs").WriteTo(f, 0))
		f.Close()
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "prof:", err)
		os.Exit(1)
	}
}
