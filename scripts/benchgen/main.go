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
//	benchgen shape KIND FILE    a million score cells in another shape:
//	                            deep   (4 levels, 1,000 leaves × 1,000 departments)
//	                            tall   (10,000 leaves × 100 departments)
//	                            sheets (200 sheets of 200 leaves × 25 departments)
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
		return fmt.Errorf("usage: benchgen stress N FILE | batch N DIR | shape deep|tall|sheets FILE")
	}
	if args[0] == "shape" {
		return shape(args[1], args[2])
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

// shape writes a million score cells in another shape than the stress
// workbook's: a deeper tree, a taller one, or many sheets.
func shape(kind, path string) error {
	f := excelize.NewFile()
	defer f.Close()
	rng := rand.New(rand.NewPCG(3, 2026))
	switch kind {
	case "deep": // 5 × 4 × 5 × 10 leaves
		if err := f.SetSheetName("Sheet1", "指标"); err != nil {
			return err
		}
		if err := treeSheet(f, "指标", []int{5, 4, 5, 10}, []float64{20, 5, 1, 0.1}, 0, 1000, rng); err != nil {
			return err
		}
	case "tall": // 5 × 20 × 100 leaves
		if err := f.SetSheetName("Sheet1", "指标"); err != nil {
			return err
		}
		if err := treeSheet(f, "指标", []int{5, 20, 100}, []float64{20, 1, 0.01}, 0, 100, rng); err != nil {
			return err
		}
	case "sheets": // 200 sheets of the stress tree
		for i := range 200 {
			name := fmt.Sprintf("表%03d", i+1)
			if i == 0 {
				if err := f.SetSheetName("Sheet1", name); err != nil {
					return err
				}
			} else if _, err := f.NewSheet(name); err != nil {
				return err
			}
			if err := treeSheet(f, name, []int{5, 4, 10}, []float64{20, 5, 0.5}, i*25, i*25+25, rng); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("unknown shape %q (deep, tall or sheets)", kind)
	}
	return f.SaveAs(path)
}

// treeSheet writes a tree of len(fan) levels, fan[l] children under each
// indicator of level l (fan[0] roots), each of weight weights[l], parents
// named only on their first row; departments from to to-1 with random
// scores in cents within [0, leaf weight].
func treeSheet(f *excelize.File, name string, fan []int, weights []float64, from, to int, rng *rand.Rand) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	words := []string{"一级指标", "二级指标", "三级指标", "四级指标"}
	var header []any
	for l := range fan {
		header = append(header, words[l], "分值")
	}
	for d := from; d < to; d++ {
		header = append(header, fmt.Sprintf("部门%05d", d+1))
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	row, idx := 2, make([]int, len(fan))
	leafCents := int(weights[len(fan)-1] * 100)
	var walk func(l int) error
	walk = func(l int) error {
		for i := range fan[l] {
			idx[l] = i
			if l < len(fan)-1 {
				if err := walk(l + 1); err != nil {
					return err
				}
				continue
			}
			var cells []any
			for k := range fan {
				first := true // the first row below level k's indicator names it
				for m := k + 1; m < len(fan); m++ {
					first = first && idx[m] == 0
				}
				if !first {
					cells = append(cells, nil, nil)
					continue
				}
				label := "指标" + strconv.Itoa(idx[0]+1)
				for m := 1; m <= k; m++ {
					label += "." + strconv.Itoa(idx[m]+1)
				}
				cells = append(cells, label, weights[k])
			}
			for range to - from {
				cells = append(cells, float64(rng.IntN(leafCents+1))/100)
			}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := sw.SetRow(cell, cells); err != nil {
				return err
			}
			row++
		}
		return nil
	}
	if err := walk(0); err != nil {
		return err
	}
	return sw.Flush()
}
