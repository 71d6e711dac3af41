// Package bench: the helpers every Go benchmark of perf/runtime shares. The
// programs take `key=value` arguments and print `metric <name> <value> <unit>`
// lines, exactly like the C benchmarks in perf/runtime/c/ (bench.h).
package bench

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Int returns the integer argument key=value, or dflt.
func Int(key string, dflt int) int {
	for _, a := range os.Args[1:] {
		if strings.HasPrefix(a, key+"=") {
			v, err := strconv.Atoi(a[len(key)+1:])
			if err != nil {
				Fail("bad argument " + a)
			}
			return v
		}
	}
	return dflt
}

// Str returns the argument key=value, or dflt.
func Str(key string, dflt string) string {
	for _, a := range os.Args[1:] {
		if strings.HasPrefix(a, key+"=") {
			return a[len(key)+1:]
		}
	}
	return dflt
}

// Metric prints one metric line.
func Metric(name string, value float64, unit string) {
	fmt.Printf("metric %s %.6g %s\n", name, value, unit)
}

// Fail prints an error line and exits 1.
func Fail(text string) {
	fmt.Printf("error %s\n", text)
	os.Exit(1)
}

// Now is a monotonic time in nanoseconds.
var origin = time.Now()

func Now() int64 { return int64(time.Since(origin)) }

// Samples sorts per-operation times and prints <prefix>_p50_ns, _p99_ns and
// _max_ns (nearest rank), each divided by div.
func Samples(prefix string, s []int64, div float64) {
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := func(p float64) int64 {
		r := int(p/100*float64(len(s)) + 0.999999999)
		if r < 1 {
			r = 1
		}
		if r > len(s) {
			r = len(s)
		}
		return s[r-1]
	}
	Metric(prefix+"_p50_ns", float64(rank(50))/div, "ns")
	Metric(prefix+"_p99_ns", float64(rank(99))/div, "ns")
	Metric(prefix+"_max_ns", float64(s[len(s)-1])/div, "ns")
}

// RSS is the resident set size in bytes (/proc/self/statm).
func RSS() int64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(data))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// statusBytes is a field of /proc/self/status ("VmPTE:" ...) in bytes, 0 if unknown.
func statusBytes(key string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, key) {
			f := strings.Fields(line[len(key):])
			kb, _ := strconv.ParseInt(f[0], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// Memory is what the process holds: resident pages plus the page tables mapping them (VmPTE).
func Memory() int64 {
	return RSS() + statusBytes("VmPTE:")
}

// PeakRSS is VmHWM of /proc/self/status in bytes.
func PeakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line[6:])
			kb, _ := strconv.ParseInt(f[0], 10, 64)
			return kb * 1024
		}
	}
	return 0
}
