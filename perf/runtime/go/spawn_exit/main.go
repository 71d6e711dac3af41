// 1. spawn + exit: one goroutine starts n goroutines that end at once; the
// time from the first `go` until all have ended (a WaitGroup), per goroutine.
// Same metric as perf/runtime/c/spawn_exit.c.
package main

import (
	"fmt"
	"runtime"
	"sync"

	"pyvmbench/bench"
)

func round(n int) float64 {
	var wg sync.WaitGroup
	wg.Add(n)
	t0 := bench.Now()
	go func() {
		for i := 0; i < n; i++ {
			go func() { wg.Done() }()
		}
	}()
	wg.Wait()
	return float64(bench.Now()-t0) / float64(n)
}

func main() {
	n := bench.Int("n", 100000)
	if w := bench.Int("workers", 0); w > 0 {
		runtime.GOMAXPROCS(w)
	}
	fmt.Printf("workers %d\n", runtime.GOMAXPROCS(0))
	round(max(n/10, 1))
	ns := round(n)
	fmt.Printf("spawned %d goroutines\n", n)
	bench.Metric("spawn_exit_ns", ns, "ns")
}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}
