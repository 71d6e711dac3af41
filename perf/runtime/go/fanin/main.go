// 4b. throughput, fan-in: `senders` goroutines each send `count` ints on one
// unbuffered channel to one receiver. Same metric as perf/runtime/c/fanin.c.
package main

import (
	"fmt"
	"runtime"

	"pyvmbench/bench"
)

func round(senders, count int) float64 {
	in := make(chan int)
	start := make(chan struct{})
	for i := 0; i < senders; i++ {
		go func() {
			<-start
			for k := 0; k < count; k++ {
				in <- k
			}
		}()
	}
	total := senders * count
	t0 := bench.Now()
	close(start)
	for i := 0; i < total; i++ {
		<-in
	}
	return float64(bench.Now()-t0) / 1e9
}

func main() {
	senders, count := bench.Int("senders", 1000), bench.Int("count", 1000)
	if w := bench.Int("workers", 0); w > 0 {
		runtime.GOMAXPROCS(w)
	}
	fmt.Printf("workers %d\n", runtime.GOMAXPROCS(0))
	warm := count / 20
	if warm < 1 {
		warm = 1
	}
	round(senders, warm)
	s := round(senders, count)
	msgs := float64(senders) * float64(count)
	fmt.Printf("%d senders x %d messages = %.0f messages in %.3f s\n", senders, count, msgs, s)
	bench.Metric("fanin_msgs_per_s", msgs/s, "msg/s")
}
