// Command benchgen writes the workloads of scripts/bench.sh: the stress
// workbook of issue 11 (one sheet 指标, header 一级指标 | 分值 | 二级指标 |
// 分值 | 三级指标 | 分值 | 部门00001 …, 5 level-1 × 4 level-2 × 10 level-3 =
// 200 leaves with weights summing to 100, parents named only on their
// first row, random scores in cents within [0, weight]) at a number of
// departments (past 10,000, on more sheets of the same tree), and batches of small workbooks (the 24-department bureau
// sample).
//
//	benchgen stress N FILE      the stress workbook with N departments
//	benchgen batch N DIR        N small workbooks in DIR
//
// The output is the same for the same arguments (a fixed random seed).
package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"github.com/xuri/excelize/v2"

	"perfeval/samples"
	"perfeval/sheet"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchgen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("usage: benchgen stress N FILE | batch N DIR")
	}
	n, err := strconv.Atoi(args[1])
	if err != nil || n < 1 {
		return fmt.Errorf("N must be a positive number, not %q", args[1])
	}
	switch args[0] {
	case "stress":
		return stress(args[2], n)
	case "batch":
		if err := os.MkdirAll(args[2], 0o755); err != nil {
			return err
		}
		for i := range n {
			if err := sheet.Build(filepath.Join(args[2], fmt.Sprintf("bureau%04d.xlsx", i)), samples.Bureau()); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unknown workload %q", args[0])
}

// perSheet is the most departments put on one sheet: a sheet has 16,384
// columns, so 20,000 departments take two sheets of the same tree.
const perSheet = 10000

// stress writes the stress workbook with n department columns, on as
// many sheets (指标, 指标2, …) as they need.
func stress(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	rng := rand.New(rand.NewPCG(11, 2026))
	for s, first := 0, 0; first < n; s, first = s+1, first+perSheet {
		name := "指标"
		if s == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else {
			name = fmt.Sprintf("指标%d", s+1)
			if _, err := f.NewSheet(name); err != nil {
				return err
			}
		}
		if err := stressSheet(f, name, first, min(n, first+perSheet), rng); err != nil {
			return err
		}
	}
	return f.SaveAs(path)
}

// stressSheet writes departments from to to-1 on one sheet.
func stressSheet(f *excelize.File, name string, from, to int, rng *rand.Rand) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	header := []any{"一级指标", "分值", "二级指标", "分值", "三级指标", "分值"}
	for d := from; d < to; d++ {
		header = append(header, fmt.Sprintf("部门%05d", d+1))
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	row := 2
	for a := range 5 {
		for b := range 4 {
			for c := range 10 {
				cells := make([]any, 0, 6+to-from)
				if b == 0 && c == 0 {
					cells = append(cells, fmt.Sprintf("一级指标%d", a+1), 20)
				} else {
					cells = append(cells, nil, nil)
				}
				if c == 0 {
					cells = append(cells, fmt.Sprintf("二级指标%d.%d", a+1, b+1), 5)
				} else {
					cells = append(cells, nil, nil)
				}
				cells = append(cells, fmt.Sprintf("三级指标%d.%d.%d", a+1, b+1, c+1), 0.5)
				for range to - from {
					cells = append(cells, float64(rng.IntN(51))/100)
				}
				cell, _ := excelize.CoordinatesToCellName(1, row)
				if err := sw.SetRow(cell, cells); err != nil {
					return err
				}
				row++
			}
		}
	}
	return sw.Flush()
}
