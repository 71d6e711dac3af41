// 6./7. memory per idle goroutine, and a million alive at once: n goroutines
// each blocked in a channel receive; memory (RSS + page tables) delta / n 50 ms
// after all are blocked and after `settle` ms, then all released. Same metrics
// as perf/runtime/c/idle.c.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"pyvmbench/bench"
)

func main() {
	n := bench.Int("n", 100000)
	name := bench.Str("name", "idle")
	settle := bench.Int("settle", 1000)
	if w := bench.Int("workers", 0); w > 0 {
		runtime.GOMAXPROCS(w)
	}
	fmt.Printf("workers %d\n", runtime.GOMAXPROCS(0))
	var parked int64
	var wg sync.WaitGroup
	release := make(chan struct{})
	wg.Add(n)
	rss0 := bench.Memory()
	t0 := bench.Now()
	go func() {
		for i := 0; i < n; i++ {
			go func() {
				atomic.AddInt64(&parked, 1)
				<-release
				wg.Done()
			}()
		}
	}()
	for atomic.LoadInt64(&parked) < int64(n) {
		time.Sleep(time.Millisecond)
	}
	t1 := bench.Now()
	time.Sleep(50 * time.Millisecond)
	parked1 := bench.Memory()
	if settle > 50 {
		time.Sleep(time.Duration(settle-50) * time.Millisecond)
	}
	rss1 := bench.Memory()
	t2 := bench.Now()
	close(release)
	wg.Wait()
	t3 := bench.Now()
	fmt.Printf("%d goroutines blocked in receive; memory (RSS + page tables) %.1f MB -> %.1f MB after 50 ms, %.1f MB after %d ms\n",
		n, float64(rss0)/1e6, float64(parked1)/1e6, float64(rss1)/1e6, settle)
	bench.Metric(name+"_parked_bytes_per_actor", float64(parked1-rss0)/float64(n), "B")
	bench.Metric(name+"_bytes_per_actor", float64(rss1-rss0)/float64(n), "B")
	bench.Metric(name+"_spawn_ns", float64(t1-t0)/float64(n), "ns")
	bench.Metric(name+"_release_ns", float64(t3-t2)/float64(n), "ns")
	bench.Metric(name+"_peak_rss_bytes", float64(bench.PeakRSS()), "B")
	bench.Metric(name+"_alive", float64(n), "actors")
}
