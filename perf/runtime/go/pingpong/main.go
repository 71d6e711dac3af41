// 3. message latency: two goroutines bounce an int over two unbuffered
// channels; latency = round trip / 2.
//
//	cross=0: GOMAXPROCS=1 (one thread runs both)
//	cross=1: GOMAXPROCS=2 and each goroutine locked to its own OS thread
//	         (runtime.LockOSThread), so every message crosses threads
//
// Same metrics as perf/runtime/c/pingpong.c.
package main

import (
	"fmt"
	"runtime"

	"pyvmbench/bench"
)

func main() {
	cross := bench.Int("cross", 0) != 0
	n := bench.Int("n", 1000000)
	samples := bench.Int("samples", 100000)
	workers := 1
	if cross {
		workers = 2
	}
	runtime.GOMAXPROCS(bench.Int("workers", workers))
	fmt.Printf("workers %d\n", runtime.GOMAXPROCS(0))
	ping, pong := make(chan int), make(chan int)
	go func() {
		if cross {
			runtime.LockOSThread()
		}
		for v := range ping {
			pong <- v
		}
	}()
	if cross {
		runtime.LockOSThread()
	}
	trip := func(i int) {
		ping <- i
		if <-pong != i {
			bench.Fail("pingpong: wrong reply")
		}
	}
	for i := 0; i < n/10; i++ {
		trip(i)
	}
	t0 := bench.Now()
	for i := 0; i < n; i++ {
		trip(i)
	}
	rtt := float64(bench.Now()-t0) / float64(n)
	s := make([]int64, samples)
	for i := range s {
		t := bench.Now()
		trip(i)
		s[i] = bench.Now() - t
	}
	close(ping)
	prefix := "latency_same"
	if cross {
		prefix = "latency_cross"
	}
	fmt.Printf("%d round trips, %d timed one by one\n", n, samples)
	bench.Metric(prefix+"_ns", rtt/2, "ns")
	bench.Metric(prefix+"_rtt_ns", rtt, "ns")
	bench.Samples(prefix, s, 2)
}
