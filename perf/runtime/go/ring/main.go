// 4a. throughput, ring: `nodes` goroutines in a ring, `tokens` tokens
// (ints counting their remaining hops) injected at evenly spaced nodes, each
// forwarded `hops` times. Each goroutine's channel is its mailbox: buffered
// with room for every token (`buffer`, default `tokens`), so a send never
// blocks, as a send to an actor never does. (Unbuffered channels deadlock as
// soon as every goroutine holds a token and waits to pass it on; capacity 1
// works but halves the throughput.) Same metric as perf/runtime/c/ring.c.
package main

import (
	"fmt"
	"runtime"

	"pyvmbench/bench"
)

func round(nodes, tokens, hops, buffer int) float64 {
	chans := make([]chan int, nodes)
	for i := range chans {
		chans[i] = make(chan int, buffer)
	}
	done := make(chan struct{}, tokens)
	for i := 0; i < nodes; i++ {
		in, next := chans[i], chans[(i+1)%nodes]
		go func() {
			for v := range in {
				if v > 0 {
					next <- v - 1
				} else {
					done <- struct{}{}
				}
			}
		}()
	}
	t0 := bench.Now()
	for k := 0; k < tokens; k++ {
		chans[k*nodes/tokens] <- hops
	}
	for k := 0; k < tokens; k++ {
		<-done
	}
	dt := bench.Now() - t0
	for _, c := range chans {
		close(c)
	}
	return float64(dt) / 1e9
}

func main() {
	nodes, tokens, hops := bench.Int("nodes", 1000), bench.Int("tokens", 1000), bench.Int("hops", 10000)
	buffer := bench.Int("buffer", tokens)
	if w := bench.Int("workers", 0); w > 0 {
		runtime.GOMAXPROCS(w)
	}
	fmt.Printf("workers %d\n", runtime.GOMAXPROCS(0))
	warm := hops / 20
	if warm < 1 {
		warm = 1
	}
	round(nodes, tokens, warm, buffer)
	s := round(nodes, tokens, hops, buffer)
	msgs := float64(tokens) * float64(hops)
	fmt.Printf("%d nodes, %d tokens x %d hops = %.0f messages in %.3f s (channel buffer %d)\n",
		nodes, tokens, hops, msgs, s, buffer)
	bench.Metric("ring_msgs_per_s", msgs/s, "msg/s")
	bench.Metric("ring_ns_per_msg", s*1e9/msgs, "ns")
}
