package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
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
