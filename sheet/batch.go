package sheet

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"perfeval/calc"
)

// BatchFile is one input of a batch run, as the batch summary lists it.
type BatchFile struct {
	Path        string            `json:"path"`
	Status      string            `json:"status"` // ok, invalid, unreadable, failed or interrupted
	Errors      int               `json:"errors"`
	Warnings    int               `json:"warnings"`
	Output      string            `json:"output"`
	Annotated   string            `json:"annotated"`
	SplitDir    string            `json:"split_dir,omitempty"`
	Modified    time.Time         `json:"modified"` // the input's modification time: of two copies of a department, the later counts
	Settings    calc.Settings     `json:"settings"`
	Departments []BatchDepartment `json:"departments"` // of a workbook with results, in rank order, then the blocked ones
}

// BatchDepartment is what the batch summary shows of one department, and
// all it needs to rank it across the run: its level-1 scores and rates,
// total, grade and rank within its workbook. A run (and watch's state
// file) holds this much per department, not its results.
type BatchDepartment struct {
	Sheet      string          `json:"sheet"`
	Name       string          `json:"name"`
	Group      string          `json:"group"` // calc.GroupKey of its table: departments with the same one are ranked together
	Tree       string          `json:"tree"`  // a hash of calc.TreeKey: the same name and tree in two files is one department sent twice
	Level1     []BatchLevel1   `json:"level1"`
	Total      decimal.Decimal `json:"total"` // exact
	Shown      decimal.Decimal `json:"shown"` // as shown, what ranks go by
	Rate       decimal.Decimal `json:"rate"`
	Grade      string          `json:"grade"` // as shown: with the veto item beside the band
	Band       string          `json:"band"`  // the grade band alone
	GradeIndex int             `json:"grade_index"`
	Vetoed     bool            `json:"vetoed,omitempty"`
	Deducted   decimal.Decimal `json:"deducted"`          // the deduction items' sum
	Applicable decimal.Decimal `json:"applicable"`        // with Factor, of a total rescaled for 不适用 items
	Factor     decimal.Decimal `json:"factor"`            // 0: not rescaled
	Rank       int             `json:"rank,omitempty"`    // within its workbook; 0 when blocked
	Blocked    int             `json:"blocked,omitempty"` // its own errors: not scored, not ranked

	// Set for the run by the caller before the summary is written.
	BatchRank int    `json:"-"` // rank among every department of the run with the same Group; 0: not ranked
	BatchOf   int    `json:"-"` // how many are ranked in its group
	CountedIn string `json:"-"` // sent twice: the file it is counted from instead
}

// BatchLevel1 is one level-1 indicator of a department.
type BatchLevel1 struct {
	Name    string          `json:"name"`
	Weight  decimal.Decimal `json:"weight"` // declared
	NA      bool            `json:"na,omitempty"`
	HasRate bool            `json:"has_rate,omitempty"`
	Score   decimal.Decimal `json:"score"`
	Rate    decimal.Decimal `json:"rate"`
}

// Counted reports whether the department counts in the run: scored, and
// not a copy of one sent again.
func (d BatchDepartment) Counted() bool { return d.Blocked == 0 && d.CountedIn == "" }

// NewBatchDepartments keeps of a workbook's results (and its departments
// blocked by their own errors) what the batch summary shows: the results
// in rank order, then the blocked ones.
func NewBatchDepartments(results []calc.Result, blocked []calc.Blocked) []BatchDepartment {
	out := make([]BatchDepartment, 0, len(results)+len(blocked))
	keys := map[*calc.Table][2]string{}
	key := func(t *calc.Table) [2]string {
		k, ok := keys[t]
		if !ok {
			sum := sha256.Sum256([]byte(calc.TreeKey(t)))
			k = [2]string{calc.GroupKey(t), hex.EncodeToString(sum[:12])}
			keys[t] = k
		}
		return k
	}
	for _, i := range calc.ByRank(results) {
		r := results[i]
		k := key(r.Table)
		d := BatchDepartment{Sheet: r.Sheet, Name: r.Department, Group: k[0], Tree: k[1], Total: r.Total, Shown: r.Shown, Rate: r.Rate,
			Grade: r.Grade, Band: r.GradeLabel, GradeIndex: r.GradeIndex, Vetoed: len(r.Vetoed) > 0, Rank: r.Rank, Deducted: r.Deducted}
		if Rescaled(r) {
			d.Applicable, d.Factor = r.Applicable, r.Factor
		}
		if d.Band == "" {
			d.Band = r.Grade
		}
		for _, nr := range r.Level1 {
			l := BatchLevel1{Name: nr.Indicator.Name, Weight: nr.Indicator.ShownWeight(), NA: nr.NA, HasRate: nr.HasRate(), Score: ShownScore(nr)}
			if l.HasRate {
				l.Rate = nr.Rate()
			}
			d.Level1 = append(d.Level1, l)
		}
		out = append(out, d)
	}
	for _, b := range blocked {
		k := key(b.Table)
		d := BatchDepartment{Sheet: b.Sheet, Name: b.Department, Group: k[0], Tree: k[1], Blocked: max(b.Errors, 1)}
		for _, root := range b.Table.Roots {
			d.Level1 = append(d.Level1, BatchLevel1{Name: root.Name, Weight: root.ShownWeight()})
		}
		out = append(out, d)
	}
	return out
}

// row is the department as the summaries' score cells show it.
func (d BatchDepartment) row() scoreRow {
	r := scoreRow{sheet: d.Sheet, department: d.Name, total: d.Total, rate: d.Rate, grade: d.Grade, band: d.Band, gradeIndex: d.GradeIndex, rank: d.Rank,
		deducted: d.Deducted, applicable: d.Applicable, factor: d.Factor}
	for _, l := range d.Level1 {
		r.level1 = append(r.level1, level1Score{name: l.Name, na: l.NA, hasRate: l.HasRate, score: l.Score, rateOf: l.Rate})
	}
	return r
}

// Batch is a run as one evaluation (spec §8): its files, its departments
// in groups ranked together, and the roster check.
type Batch struct {
	Files  []BatchFile
	Groups []BatchGroup
	Roster *RosterCheck // nil without a roster
}

// BatchGroup is the departments of the run whose tables share level-1
// indicators and weights: ranked together, with statistics.
type BatchGroup struct {
	Level1 []BatchColumn
	Rows   []BatchRef // ranked ones in rank order, then the blocked ones, then the copies sent twice
	Ranked int        // how many are ranked
	Stats  []BatchStat
}

// BatchColumn is a level-1 indicator of a group, with its declared weight.
type BatchColumn struct {
	Name   string
	Weight decimal.Decimal
}

// BatchRef is a department of the run: Files[File].Departments[Dept].
type BatchRef struct{ File, Dept int }

// BatchStat is, for one level-1 indicator of a group (or the total, with
// Total set), the rates of the departments counted: how many, their mean,
// median, minimum and maximum.
type BatchStat struct {
	Name                   string
	Total                  bool
	Weight                 decimal.Decimal
	Count                  int
	Mean, Median, Min, Max decimal.Decimal
}

// RosterCheck is the roster against the departments sent.
type RosterCheck struct {
	Path    string
	Entries []RosterEntry // every roster name, in roster order
	Unknown []RosterEntry // departments sent that are not on the roster
}

// RosterEntry is a department of the roster (or sent but not on it), and
// the files that carry it.
type RosterEntry struct {
	Name    string
	Files   []string
	Similar string // for a name not on the roster: a roster name it may be meant as
	Blocked bool   // sent, but not scored: its own errors
}

// Sent reports whether a workbook carried the roster entry.
func (e RosterEntry) Sent() bool { return len(e.Files) > 0 }

// Department is the department a reference points at.
func (b *Batch) Department(ref BatchRef) *BatchDepartment {
	return &b.Files[ref.File].Departments[ref.Dept]
}

// WriteBatchSummary writes, atomically at path, the summary of a batch
// run (spec §8): every department of the run in blocks ranked together,
// sorted by rank across the run (file, sheet and rank within its workbook
// beside it; blocked departments and copies sent twice last, without
// rank); every input file with its status, problem counts and outputs; the
// grade distribution with a chart; per level-1 indicator the mean, median,
// minimum and maximum rate; and, with a roster, who has not sent a
// workbook and who is not on the roster.
func WriteBatchSummary(path, lang string, b *Batch) (err error) {
	defer recoverWrite(&err)
	f := excelize.NewFile()
	defer f.Close()
	L := LabelsFor(lang)
	base, err := newWriter(f, lang, calc.DefaultSettings())
	if err != nil {
		return err
	}
	defer base.close()
	// One writer per number of decimals (workbooks may show 1 or 2), all
	// sizing the same columns.
	writers := map[int32]*writer{base.s.Decimals: base}
	writerFor := func(s calc.Settings) (*writer, error) {
		w, ok := writers[s.Decimals]
		if !ok {
			if w, err = newWriter(f, lang, s); err != nil {
				return nil, err
			}
			w.widths = base.widths
			writers[s.Decimals] = w
		}
		w.s = s
		return w, nil
	}

	// Departments, written row by row, block by block.
	depts := L.BatchDepartments
	if err := f.SetSheetName("Sheet1", depts); err != nil {
		return err
	}
	grades := map[string]int{}
	var gradeOrder []string
	width := 3
	for _, g := range b.Groups {
		width = max(width, 2*len(g.Level1)+12)
	}
	status := map[string]string{"ok": L.StatusOK, "invalid": L.StatusInvalid, "unreadable": L.StatusUnreadable,
		"failed": L.StatusFailed, "interrupted": L.StatusInterrupted}
	layout := func() error {
		if err := base.setTitle(depts, "A1", L.BatchTitle); err != nil {
			return err
		}
		if width > maxColumns {
			return fmt.Errorf("%w: sheet %s would need %d columns (a sheet has at most %d)", ErrSheetLimit, depts, width, maxColumns)
		}
		row := 2
		clear(grades)
		gradeOrder = gradeOrder[:0]
		for gi, g := range b.Groups {
			if len(b.Groups) > 1 {
				if gi > 0 {
					row++
				}
				if err := base.set(depts, 1, row, fmt.Sprintf(L.BatchGroupCaption, gi+1, groupNames(g, L), g.Ranked), base.bold); err != nil {
					return err
				}
				row++
			}
			headers := []string{L.Rank, L.Department}
			l1 := make([]level1Column, len(g.Level1))
			for i, c := range g.Level1 {
				l1[i] = level1Column{name: c.Name, weight: c.Weight}
				headers = append(headers, c.Name+L.ScoreSuffix, c.Name+L.RateSuffix)
			}
			headers = append(headers, L.Total, L.Rate, L.Grade, L.File, L.Sheet, L.WorkbookRank, L.Status)
			var rows []scoreRow
			for _, ref := range g.Rows {
				if d := b.Department(ref); d.Blocked == 0 {
					rows = append(rows, d.row())
				}
			}
			extra := extraOf(rows)
			headers = append(headers, extra.headers(L)...)
			for i, h := range headers {
				if err := base.set(depts, i+1, row, h, base.header); err != nil {
					return err
				}
			}
			row++
			totalCol := 3 + 2*len(l1)
			for _, ref := range g.Rows {
				bf := &b.Files[ref.File]
				d := bf.Departments[ref.Dept]
				w, err := writerFor(bf.Settings)
				if err != nil {
					return err
				}
				w.out = base.out
				next := totalCol + 3
				state := L.StatusOK
				switch {
				case d.CountedIn != "":
					state = fmt.Sprintf(L.CountedIn, d.CountedIn)
				case d.Blocked > 0:
					state = fmt.Sprintf(L.BlockedNote, d.Blocked)
				}
				if d.Counted() {
					if err := w.set(depts, 1, row, d.BatchRank, w.text); err != nil {
						return err
					}
				}
				if err := w.set(depts, 2, row, d.Name, w.bold); err != nil {
					return err
				}
				if d.Blocked == 0 {
					if _, err := w.scoreCells(depts, row, 3, l1, d.row()); err != nil {
						return err
					}
					if err := w.extraCells(depts, row, next+4, extra, d.row()); err != nil {
						return err
					}
				} else if err := w.set(depts, totalCol+2, row, L.StatusInvalid, w.gradeStyle(len(w.s.Bands)-1, len(w.s.Bands))); err != nil {
					return err
				}
				values := []any{bf.Path, d.Sheet, nil, state}
				if d.Rank > 0 {
					values[2] = d.Rank
				}
				for i, v := range values {
					if err := w.set(depts, next+i, row, v, w.text); err != nil {
						return err
					}
				}
				if d.Counted() {
					if _, seen := grades[d.Band]; !seen {
						gradeOrder = append(gradeOrder, d.Band)
					}
					grades[d.Band]++
				}
				if w != base {
					w.out = nil
				}
				row++
			}
		}
		return base.setPanes(depts, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: 2, TopLeftCell: "C3", ActivePane: "bottomRight"})
	}
	if err := base.stream(depts, layout, func(measured map[int]float64) []colRange { return widthRanges(measured, 40) }); err != nil {
		return err
	}

	// Statistics per group and level-1 indicator.
	statsSheet := L.BatchStats
	if _, err := f.NewSheet(statsSheet); err != nil {
		return err
	}
	row := 1
	for gi, g := range b.Groups {
		if len(b.Groups) > 1 {
			if gi > 0 {
				row++
			}
			if err := base.set(statsSheet, 1, row, fmt.Sprintf(L.BatchGroupCaption, gi+1, groupNames(g, L), g.Ranked), base.bold); err != nil {
				return err
			}
			row++
		}
		for i, h := range []string{L.Level1Row, L.Weight, L.Count, L.Mean, L.Median, L.Minimum, L.Maximum} {
			if err := base.set(statsSheet, i+1, row, h, base.header); err != nil {
				return err
			}
		}
		row++
		s := groupSettings(b, g)
		w, err := writerFor(s)
		if err != nil {
			return err
		}
		for _, st := range g.Stats {
			name := st.Name
			if st.Total {
				name = L.Total
			}
			if err := w.set(statsSheet, 1, row, name, w.bold); err != nil {
				return err
			}
			if err := w.setPoints(statsSheet, 2, row, st.Weight, st.Total); err != nil {
				return err
			}
			if err := w.set(statsSheet, 3, row, st.Count, w.text); err != nil {
				return err
			}
			for i, v := range []decimal.Decimal{st.Mean, st.Median, st.Min, st.Max} {
				if st.Count == 0 {
					err = w.set(statsSheet, 4+i, row, "", w.text)
				} else {
					err = w.setRate(statsSheet, 4+i, row, v, st.Total)
				}
				if err != nil {
					return err
				}
			}
			row++
		}
	}
	if err := base.applyWidths(statsSheet, 40); err != nil {
		return err
	}

	// Roster.
	if b.Roster != nil {
		rosterSheet := L.BatchRoster
		if _, err := f.NewSheet(rosterSheet); err != nil {
			return err
		}
		for i, h := range []string{L.Department, L.RosterState, L.File} {
			if err := base.set(rosterSheet, i+1, 1, h, base.header); err != nil {
				return err
			}
		}
		row := 2
		put := func(e RosterEntry, state string, style int) error {
			if err := base.set(rosterSheet, 1, row, e.Name, base.bold); err != nil {
				return err
			}
			if err := base.set(rosterSheet, 2, row, state, style); err != nil {
				return err
			}
			if err := base.set(rosterSheet, 3, row, strings.Join(e.Files, "\n"), base.wrap); err != nil {
				return err
			}
			row++
			return nil
		}
		bad := base.gradeStyle(len(base.s.Bands)-1, len(base.s.Bands))
		for _, e := range b.Roster.Entries { // who has not sent a workbook first
			if !e.Sent() {
				if err := put(e, L.NotSent, bad); err != nil {
					return err
				}
			}
		}
		for _, e := range b.Roster.Unknown {
			state := L.NotOnRoster
			if e.Similar != "" {
				state += fmt.Sprintf(L.SimilarTo, e.Similar)
			}
			if err := put(e, state, bad); err != nil {
				return err
			}
		}
		for _, e := range b.Roster.Entries {
			if e.Sent() {
				state := L.Sent
				if e.Blocked {
					state += L.SentBlocked
				}
				if err := put(e, state, base.text); err != nil {
					return err
				}
			}
		}
		if err := f.SetPanes(rosterSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return err
		}
		if err := base.applyWidths(rosterSheet, 60); err != nil {
			return err
		}
	}

	// Files.
	filesSheet := L.BatchFiles
	if _, err := f.NewSheet(filesSheet); err != nil {
		return err
	}
	for i, h := range []string{L.File, L.Status, L.Count, L.Errors, L.Warnings, L.Output, L.Annotated, L.Split} {
		if err := base.set(filesSheet, i+1, 1, h, base.header); err != nil {
			return err
		}
	}
	for i, bf := range b.Files {
		r := i + 2
		values := []any{bf.Path, status[bf.Status], len(bf.Departments), bf.Errors, bf.Warnings, bf.Output, bf.Annotated, bf.SplitDir}
		for col, v := range values {
			if err := base.set(filesSheet, col+1, r, v, base.text); err != nil {
				return err
			}
		}
	}
	if err := f.SetPanes(filesSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := base.applyWidths(filesSheet, 60); err != nil {
		return err
	}

	// Grade distribution, best grade first.
	gradesSheet := L.BatchGrades
	if _, err := f.NewSheet(gradesSheet); err != nil {
		return err
	}
	if err := base.set(gradesSheet, 1, 1, L.Grade, base.header); err != nil {
		return err
	}
	if err := base.set(gradesSheet, 2, 1, L.Count, base.header); err != nil {
		return err
	}
	for i, g := range OrderGrades(gradeOrder) {
		if err := base.set(gradesSheet, 1, i+2, g, base.text); err != nil {
			return err
		}
		if err := base.set(gradesSheet, 2, i+2, grades[g], base.text); err != nil {
			return err
		}
	}
	if len(gradeOrder) > 0 {
		quoted := "'" + gradesSheet + "'!"
		last := len(gradeOrder) + 1
		err := f.AddChart(gradesSheet, "D2", &excelize.Chart{
			Type: excelize.Col,
			Series: []excelize.ChartSeries{{
				Name:       quoted + "$B$1",
				Categories: fmt.Sprintf("%s$A$2:$A$%d", quoted, last),
				Values:     fmt.Sprintf("%s$B$2:$B$%d", quoted, last),
			}},
			Title:    excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: L.BatchGrades}}},
			Legend:   excelize.ChartLegend{Position: "none"},
			PlotArea: excelize.ChartPlotArea{ShowVal: true},
		})
		if err != nil {
			return err
		}
	}
	if err := base.applyWidths(gradesSheet, 20); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return saveMarkedCols(f, path, Mark{Kind: KindBatchSummary}, base.streamed)
}

// groupNames names a group by its level-1 indicators.
func groupNames(g BatchGroup, L Labels) string {
	names := make([]string, len(g.Level1))
	for i, c := range g.Level1 {
		names[i] = c.Name
	}
	return strings.Join(names, L.DeductionSep)
}

// groupSettings are the settings of the group's first file: how its
// numbers are shown.
func groupSettings(b *Batch, g BatchGroup) calc.Settings {
	if len(g.Rows) == 0 {
		return calc.DefaultSettings()
	}
	return b.Files[g.Rows[0].File].Settings
}

// OrderGrades puts grade labels best first: the usual grade words in
// their order (优 before 良, Excellent before Good, …), then any other
// labels in the order given.
func OrderGrades(labels []string) []string {
	known := []string{"优", "优秀", "良", "良好", "中", "中等", "合格", "及格", "一般", "差", "较差", "不合格", "不及格",
		"Excellent", "Good", "Fair", "Pass", "Poor", "Fail", "A", "B", "C", "D", "E"}
	seen := map[string]bool{}
	for _, l := range labels {
		seen[l] = true
	}
	var out []string
	for _, k := range known {
		if seen[k] {
			out = append(out, k)
			delete(seen, k)
		}
	}
	for _, l := range labels {
		if seen[l] {
			out = append(out, l)
			delete(seen, l)
		}
	}
	return out
}
