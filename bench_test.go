package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"perfeval/samples"
	"perfeval/sheet"
)

// BenchmarkRun scores a folder of 32 workbooks of 24 departments each
// with one and with two workers:
//
//	go test -run '^$' -bench BenchmarkRun -benchtime 5x .
func BenchmarkRun(b *testing.B) {
	in := b.TempDir()
	const workbooks = 32
	for i := range workbooks {
		if err := sheet.Build(filepath.Join(in, fmt.Sprintf("bureau%02d.xlsx", i)), samples.Bureau()); err != nil {
			b.Fatal(err)
		}
	}
	for _, jobs := range []int{1, 2} {
		b.Run(fmt.Sprintf("jobs=%d", jobs), func(b *testing.B) {
			out := b.TempDir()
			b.ReportAllocs()
			for b.Loop() {
				var stdout, stderr bytes.Buffer
				if code := run([]string{"perfeval", "run", in, "--out", out, "--jobs", fmt.Sprint(jobs)}, &stdout, &stderr); code != 0 {
					b.Fatalf("exit %d: %s", code, stderr.String())
				}
			}
			b.ReportMetric(float64(workbooks*b.N)/b.Elapsed().Seconds(), "workbooks/s")
			os.RemoveAll(out)
		})
	}
}

// BenchmarkFile runs perfeval on the workbooks or folders named in
// PERFEVAL_BENCH_ARGS (skipped when unset), with any flags after them,
// for profiles of a real workload:
//
//	benchgen stress 5000 /tmp/s5000.xlsx
//	PERFEVAL_BENCH_ARGS="run /tmp/s5000.xlsx" go test -run '^$' -bench BenchmarkFile \
//	  -benchtime 1x -cpuprofile cpu.out -memprofile mem.out .
func BenchmarkFile(b *testing.B) {
	args := strings.Fields(os.Getenv("PERFEVAL_BENCH_ARGS"))
	if len(args) == 0 {
		b.Skip("PERFEVAL_BENCH_ARGS is not set")
	}
	out := b.TempDir()
	if args[0] == "run" {
		args = append(args, "--out", out)
	}
	b.ReportAllocs()
	for b.Loop() {
		var stdout, stderr bytes.Buffer
		if code := run(append([]string{"perfeval"}, args...), &stdout, &stderr); code > exitInvalid {
			b.Fatalf("exit %d: %s", code, stderr.String())
		}
	}
}
