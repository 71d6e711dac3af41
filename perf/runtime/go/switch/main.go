// 2. context switch: two goroutines calling runtime.Gosched on one P
// (GOMAXPROCS=1); the time per switch. Same metric as perf/runtime/c/switch.c.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"pyvmbench/bench"
)

func round(n int) float64 {
	var first, last int64
	var wg sync.WaitGroup
	wg.Add(2)
	for k := 0; k < 2; k++ {
		go func() {
			t0 := bench.Now()
			atomic.CompareAndSwapInt64(&first, 0, t0)
			for i := 0; i < n; i++ {
				runtime.Gosched()
			}
			t1 := bench.Now()
			for {
				prev := atomic.LoadInt64(&last)
				if prev >= t1 || atomic.CompareAndSwapInt64(&last, prev, t1) {
					break
				}
			}
			wg.Done()
		}()
	}
	wg.Wait()
	return float64(last-first) / (2 * float64(n))
}

func main() {
	n := bench.Int("n", 2000000)
	runtime.GOMAXPROCS(bench.Int("workers", 1))
	fmt.Printf("workers %d\n", runtime.GOMAXPROCS(0))
	round(n / 10)
	ns := round(n)
	fmt.Printf("2 goroutines x %d yields\n", n)
	bench.Metric("switch_ns", ns, "ns")
}
