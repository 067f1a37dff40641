package sheet

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
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
// all it needs to rank it across the run: its total as shown, rate,
// grade and group, and (in BatchDetail) its level-1 scores and rates,
// exact total and rank within its workbook. A run (and watch's state
// file) holds this much per department, not its results; a run keeps
// the rows in a file (BatchRows) until its end, and then holds them
// without their BatchDetail, which Detail reads back row by row.
type BatchDepartment struct {
	Sheet   string `json:"sheet"`
	Name    string `json:"name"`
	Group   string `json:"group"` // calc.GroupKey of its table: departments with the same one are ranked together
	Tree    string `json:"tree"`  // a hash of calc.TreeKey: the same name and tree in two files is one department sent twice
	Shown   Num    `json:"shown"` // as shown, what ranks go by
	Rate    Num    `json:"rate"`
	Band    string `json:"band"` // the grade band alone
	Vetoed  bool   `json:"vetoed,omitempty"`
	Blocked int    `json:"blocked,omitempty"` // its errors: not scored, not ranked
	Whole   bool   `json:"whole,omitempty"`   // blocked by errors of its table or workbook, not its own
	Names   string `json:"names"`             // its level-1 indicators' names (calc.NameKey), to place it when its weights are broken

	*BatchDetail // nil in a row BatchRows.Load returned: Detail reads it

	// Set for the run by the caller before the summary is written.
	BatchRank int    `json:"-"` // rank among every department of the run with the same Group; 0: not ranked
	BatchOf   int    `json:"-"` // how many are ranked in its group
	CountedIn string `json:"-"` // sent twice: the file it is counted from instead

	// Set by BatchRows.Load: where its BatchDetail is, and whether it has
	// deductions and a rescaled total (the summary's extra columns).
	rows               *BatchRows
	detailAt           int64
	detailSize         int32
	deducted, rescaled bool
}

// BatchDetail is what only a department's row of the summary shows.
type BatchDetail struct {
	Level1     []BatchLevel1 `json:"level1"`
	Total      Num           `json:"total"` // exact
	Grade      string        `json:"grade"` // as shown: with the veto item beside the band
	GradeIndex int           `json:"grade_index"`
	Deducted   Num           `json:"deducted"`       // the deduction items' sum
	Applicable Num           `json:"applicable"`     // with Factor, of a total rescaled for 不适用 items
	Factor     Num           `json:"factor"`         // 0: not rescaled
	Rank       int           `json:"rank,omitempty"` // within its workbook; 0 when blocked
}

// BatchLevel1 is one level-1 indicator of a department.
type BatchLevel1 struct {
	Name    string `json:"name"`
	Weight  Num    `json:"weight"` // declared
	NA      bool   `json:"na,omitempty"`
	HasRate bool   `json:"has_rate,omitempty"`
	Score   Num    `json:"score"`
	Rate    Num    `json:"rate"`
}

// Counted reports whether the department counts in the run: scored, and
// not a copy of one sent again.
func (d BatchDepartment) Counted() bool { return d.Blocked == 0 && d.CountedIn == "" }

// NewBatchDepartments keeps of a workbook's results (and its departments
// blocked by their own errors) what the batch summary shows: the results
// in rank order, then the blocked ones.
func NewBatchDepartments(results []calc.Result, blocked []calc.Blocked) []BatchDepartment {
	out := make([]BatchDepartment, 0, len(results)+len(blocked))
	// Every department's level-1 rows in one array, carved up: a run
	// holds these for every workbook until its summary is written.
	n := 0
	for _, r := range results {
		n += len(r.Level1)
	}
	for _, b := range blocked {
		n += len(b.Table.Roots)
	}
	level1 := make([]BatchLevel1, 0, n)
	carve := func(k int) []BatchLevel1 {
		s := level1[len(level1) : len(level1) : len(level1)+k]
		level1 = level1[:len(level1)+k]
		return s
	}
	keys := map[*calc.Table][3]string{}
	key := func(t *calc.Table) [3]string {
		k, ok := keys[t]
		if !ok {
			sum := sha256.Sum256([]byte(calc.TreeKey(t)))
			var names []string
			for _, root := range t.Roots {
				names = append(names, calc.NameKey(root.Name))
			}
			k = [3]string{calc.GroupKey(t), hex.EncodeToString(sum[:12]), strings.Join(names, "\x1e")}
			keys[t] = k
		}
		return k
	}
	for _, i := range calc.ByRank(results) {
		r := results[i]
		k := key(r.Table)
		d := BatchDepartment{Sheet: r.Sheet, Name: r.Department, Group: k[0], Tree: k[1], Names: k[2], Shown: NumOf(r.Shown), Rate: NumOf(r.Rate),
			Band: r.GradeLabel, Vetoed: len(r.Vetoed) > 0,
			BatchDetail: &BatchDetail{Total: NumOf(r.Total), Grade: r.Grade, GradeIndex: r.GradeIndex, Rank: r.Rank, Deducted: NumOf(r.Deducted)}}
		if Rescaled(r) {
			d.Applicable, d.Factor = NumOf(r.Applicable), NumOf(r.Factor)
		}
		if d.Band == "" {
			d.Band = r.Grade
		}
		d.Level1 = carve(len(r.Level1))
		for _, nr := range r.Level1 {
			l := BatchLevel1{Name: nr.Indicator.Name, Weight: NumOf(nr.Indicator.ShownWeight()), NA: nr.NA, HasRate: nr.HasRate(), Score: NumOf(ShownScore(nr))}
			if l.HasRate {
				l.Rate = NumOf(nr.Rate())
			}
			d.Level1 = append(d.Level1, l)
		}
		out = append(out, d)
	}
	for _, b := range blocked {
		k := key(b.Table)
		d := BatchDepartment{Sheet: b.Sheet, Name: b.Department, Group: k[0], Tree: k[1], Blocked: max(b.Errors, 1), Whole: b.Whole, Names: k[2], BatchDetail: &BatchDetail{}}
		d.Level1 = carve(len(b.Table.Roots))
		for _, root := range b.Table.Roots {
			d.Level1 = append(d.Level1, BatchLevel1{Name: root.Name, Weight: NumOf(root.ShownWeight())})
		}
		out = append(out, d)
	}
	return out
}

// row is the department, with its detail x, as the summaries' score
// cells show it.
func (d BatchDepartment) row(x *BatchDetail) scoreRow {
	r := scoreRow{sheet: d.Sheet, department: d.Name, total: x.Total.Dec(), rate: d.Rate.Dec(), grade: x.Grade, band: d.Band, gradeIndex: x.GradeIndex, rank: x.Rank,
		deducted: x.Deducted.Dec(), applicable: x.Applicable.Dec(), factor: x.Factor.Dec()}
	for _, l := range x.Level1 {
		r.level1 = append(r.level1, level1Score{name: l.Name, na: l.NA, hasRate: l.HasRate, score: l.Score.Dec(), rateOf: l.Rate.Dec()})
	}
	return r
}

// Batch is a run as one evaluation (spec §8): its files, its departments
// in groups ranked together, and the roster check.
type Batch struct {
	Files  []BatchFile
	Groups []BatchGroup
	Roster *RosterCheck // nil without a roster
	TmpDir string       // where large sheets spool while the summary is written; "": the system's temporary folder
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
// grade distribution and the distribution of total rates, each with a
// chart; per level-1 indicator the mean, median, minimum and maximum rate;
// and, with a roster, who has not sent a workbook and who is not on the
// roster. Every sheet prints on A4 (setPrint), the charts whole; the
// document properties name the evaluation of the first file with
// departments and the time of the file modified last, so that a rerun
// writes the same bytes.
func WriteBatchSummary(path, lang string, b *Batch) (err error) {
	defer recoverWrite(&err)
	f := excelize.NewFile()
	defer f.Close()
	L := LabelsFor(lang)
	if err := setFont(f, L.Font); err != nil {
		return err
	}
	base, err := newWriter(f, lang, calc.DefaultSettings())
	if err != nil {
		return err
	}
	defer base.close()
	base.tmpDir = b.TmpDir
	// One writer per number of decimals (workbooks may show 1 or 2), all
	// sizing the same columns.
	writers := map[int32]*writer{base.s.Decimals: base}
	writerFor := func(s calc.Settings) (*writer, error) {
		w, ok := writers[s.Decimals]
		if !ok {
			if w, err = newWriter(f, lang, s); err != nil {
				return nil, err
			}
			w.widths, w.tmpDir = base.widths, base.tmpDir
			writers[s.Decimals] = w
		}
		w.s = s
		return w, nil
	}

	// Departments, written row by row, block by block; files are named
	// below the folder all inputs share (文件清单 has their whole paths).
	short := shortPaths(b.Files)
	depts := L.BatchDepartments
	if err := f.SetSheetName("Sheet1", depts); err != nil {
		return err
	}
	grades := map[string]int{}
	tones := map[string]int{} // a grade's colour, from the first department with it
	var gradeOrder []string
	var blocks [][2]int // each block's rows, caption to last department
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
		clear(tones)
		gradeOrder, blocks = gradeOrder[:0], blocks[:0]
		for gi, g := range b.Groups {
			if gi > 0 {
				row++ // a blank row between blocks
			}
			start := row
			if len(b.Groups) > 1 {
				// Not measured: the caption runs on over the empty cells
				// beside it, and leaves the rank column narrow.
				if err := base.put(depts, 1, row, fmt.Sprintf(L.BatchGroupCaption, gi+1, groupNames(g, L), g.Ranked), base.caption); err != nil {
					return err
				}
				row++
			}
			headers := []string{L.Rank, L.Department}
			l1 := make([]level1Column, len(g.Level1))
			for i, c := range g.Level1 {
				l1[i] = level1Column{name: c.Name, key: calc.NameKey(c.Name), weight: c.Weight}
				headers = append(headers, c.Name+L.ScoreSuffix, c.Name+L.RateSuffix)
			}
			headers = append(headers, L.Total, L.Rate, L.Grade, L.File, L.Sheet, L.WorkbookRank, L.Status)
			var extra extraColumns // as extraOf would find from the rows
			for _, ref := range g.Rows {
				if d := b.Department(ref); d.Blocked == 0 {
					deducted, rescaled := d.extras()
					extra.deducted = extra.deducted || deducted
					extra.rescaled = extra.rescaled || rescaled
				}
			}
			headers = append(headers, extra.headers(L)...)
			if err := base.headerRow(depts, row, headers); err != nil {
				return err
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
					state = fmt.Sprintf(L.CountedIn, short(d.CountedIn))
				case d.Whole:
					state = L.BlockedWholeNote
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
				x, err := d.Detail()
				if err != nil {
					return err
				}
				if d.Blocked == 0 {
					r := d.row(x)
					if _, err := w.scoreCells(depts, row, 3, l1, r); err != nil {
						return err
					}
					if err := w.extraCells(depts, row, next+4, extra, r); err != nil {
						return err
					}
				} else if err := w.set(depts, totalCol+2, row, L.StatusInvalid, w.gradeStyle(len(w.s.Bands)-1, len(w.s.Bands))); err != nil {
					return err
				}
				values := []any{short(bf.Path), d.Sheet, nil, state}
				if x.Rank > 0 {
					values[2] = x.Rank
				}
				for i, v := range values {
					if err := w.set(depts, next+i, row, v, w.text); err != nil {
						return err
					}
				}
				if d.Counted() {
					if _, seen := grades[d.Band]; !seen {
						gradeOrder = append(gradeOrder, d.Band)
						tones[d.Band] = gradeTone(x.GradeIndex, len(bf.Settings.Bands))
					}
					grades[d.Band]++
				}
				if w != base {
					w.out = nil
				}
				row++
			}
			blocks = append(blocks, [2]int{start, row - 1})
		}
		if len(b.Groups) > 1 { // a frozen header would be the first block's only
			return base.setPanes(depts, &excelize.Panes{Freeze: true, XSplit: 2, TopLeftCell: "C1", ActivePane: "topRight"})
		}
		return base.setPanes(depts, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: 2, TopLeftCell: "C3", ActivePane: "bottomRight"})
	}
	if err := base.stream(depts, layout, func(measured map[int]float64) []colRange { return widthRanges(measured, 40) }); err != nil {
		return err
	}
	// One block repeats its header on every page; several are each kept
	// on a page when they fit. Rank and department repeat across.
	st := base.streamed[depts]
	p := PrintSetup{TitleCols: 2, Widths: st.ranges, Heights: st.heights}
	if len(b.Groups) == 1 {
		p.TitleRows = [2]int{2, 2}
	} else {
		p.Groups = blocks
	}
	if err := setPrint(f, depts, lang, p); err != nil {
		return err
	}

	// Statistics per group and level-1 indicator.
	statsSheet := L.BatchStats
	if _, err := f.NewSheet(statsSheet); err != nil {
		return err
	}
	statHeaders := []string{L.Level1Row, L.Weight, L.Count, L.Mean, L.Median, L.Minimum, L.Maximum}
	var captions []spanRow
	blocks = blocks[:0]
	row := 1
	for gi, g := range b.Groups {
		if gi > 0 {
			row++ // a blank row between blocks
		}
		start := row
		if len(b.Groups) > 1 {
			text := fmt.Sprintf(L.BatchGroupCaption, gi+1, groupNames(g, L), g.Ranked)
			if err := base.put(statsSheet, 1, row, text, base.captionWrap); err != nil {
				return err
			}
			captions = append(captions, spanRow{row: row, text: text})
			row++
		}
		if err := base.headerRow(statsSheet, row, statHeaders); err != nil {
			return err
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
		blocks = append(blocks, [2]int{start, row - 1})
	}
	if err := base.applyWidths(statsSheet, 40); err != nil {
		return err
	}
	ranges := widthRanges(base.widths[statsSheet], 40)
	heights, err := base.spanRows(statsSheet, len(statHeaders), captions, ranges) // captions merged across the table, wrapped
	if err != nil {
		return err
	}
	p = PrintSetup{Widths: ranges, Heights: heights}
	if len(b.Groups) == 1 {
		p.TitleRows = [2]int{1, 1}
	} else {
		p.Groups = blocks
	}
	if err := setPrint(f, statsSheet, lang, p); err != nil {
		return err
	}

	// Roster.
	if b.Roster != nil {
		rosterSheet := L.BatchRoster
		if _, err := f.NewSheet(rosterSheet); err != nil {
			return err
		}
		if err := base.headerRow(rosterSheet, 1, []string{L.Department, L.RosterState, L.File}); err != nil {
			return err
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
		if err := setPrint(f, rosterSheet, lang, PrintSetup{TitleRows: [2]int{1, 1}, Widths: widthRanges(base.widths[rosterSheet], 60)}); err != nil {
			return err
		}
	}

	// Files.
	filesSheet := L.BatchFiles
	if _, err := f.NewSheet(filesSheet); err != nil {
		return err
	}
	if err := base.headerRow(filesSheet, 1, []string{L.File, L.Status, L.Count, L.Errors, L.Warnings, L.Output, L.Annotated, L.Split}); err != nil {
		return err
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
	if err := setPrint(f, filesSheet, lang, PrintSetup{TitleRows: [2]int{1, 1}, TitleCols: 1, Widths: widthRanges(base.widths[filesSheet], 60)}); err != nil {
		return err
	}

	// Grade distribution, best grade first, each grade in its colours.
	var counts []countRow
	for _, g := range OrderGrades(gradeOrder) {
		counts = append(counts, countRow{label: g, count: grades[g], tone: tones[g]})
	}
	if err := base.counts(L.BatchGrades, L.Grade, L.ChartGrades, counts); err != nil {
		return err
	}
	// How the counted departments' total rates spread, in bins of 10
	// points, each in the colour of the grade its lower end has.
	settings, t := batchSettings(b)
	if err := base.counts(L.BatchSpread, L.RateRange, L.ChartSpread, rateBins(b, settings)); err != nil {
		return err
	}

	if err := setDocInfo(f, NewDocInfo(settings, lang, t)); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return saveMarkedCols(f, path, Mark{Kind: KindBatchSummary}, base.streamed, base.tmpDir)
}

// headerRow writes a table's header row from column A, two lines tall
// when a header wraps: Excel grows such a row, LibreOffice does not, nor
// does any reader a streamed row.
func (w *writer) headerRow(sheet string, row int, headers []string) error {
	tall := false
	for i, h := range headers {
		if err := w.set(sheet, i+1, row, h, w.header); err != nil {
			return err
		}
		tall = tall || headerWraps(h)
	}
	if !tall {
		return nil
	}
	return w.rowHeight(sheet, row, 2*defaultRowPt)
}

// countRow is a row of a count table: a grade or a range of rates, how
// many departments have it, and its colour (gradeTone).
type countRow struct {
	label string
	count int
	tone  int
}

// Count charts stand beside their two-column table, from D2: no wider than
// what a portrait page leaves them, 15 rows of the default height tall.
const (
	countChartCol    = 4
	countChartHeight = 300
)

// counts writes a sheet of counts (label and count headers in row 1, a row
// each from row 2, the label in its grade's colours) and, when there is
// any, a column chart of them beside the table, one bar per row in the
// same colours, kept whole on a page.
func (w *writer) counts(sheet, labelHeader, title string, rows []countRow) error {
	if _, err := w.f.NewSheet(sheet); err != nil {
		return err
	}
	if err := w.headerRow(sheet, 1, []string{labelHeader, w.L.Count}); err != nil {
		return err
	}
	tones := make([]int, len(rows))
	most := 0
	for i, r := range rows {
		if err := w.set(sheet, 1, i+2, r.label, w.grades[r.tone]); err != nil {
			return err
		}
		if err := w.set(sheet, 2, i+2, r.count, w.text); err != nil {
			return err
		}
		tones[i] = r.tone
		most = max(most, r.count)
	}
	if err := w.applyWidths(sheet, 20); err != nil {
		return err
	}
	ranges := widthRanges(w.widths[sheet], 20)
	p := PrintSetup{TitleRows: [2]int{1, 1}, Widths: ranges}
	if len(rows) > 0 {
		// The chart, beside the table, takes its place in the widths that
		// decide the page's orientation and scale: portrait when it fits.
		table := columnPixels(ranges, countChartCol-1)
		width := min(480, (a4Width-2*marginSide*96)*0.97-table-8)
		width = max(width, 320, float64(60*len(rows)))
		p.Widths = append(p.Widths, colRange{countChartCol, countChartCol, (width + 8 - 5) / 7}) // as wide as the chart and its offset
		font := chartFont(w.L.Font, 9, false)
		zero, no, gap := 0.0, false, uint(60)
		unit := 0.0
		if most <= 10 {
			unit = 1 // whole departments, not 0.5
		}
		c := &excelize.Chart{
			Type: excelize.Col,
			Series: []excelize.ChartSeries{{
				Name:       cellRef(sheet, 2, 1),
				Categories: colRangeRef(sheet, 1, 2, len(rows)+1),
				Values:     colRangeRef(sheet, 2, 2, len(rows)+1),
				Fill:       solid(gradeColors[1].Fill),
			}},
			Format:     excelize.GraphicOptions{OffsetX: 4, OffsetY: 4},
			Dimension:  excelize.ChartDimension{Width: uint(width), Height: countChartHeight},
			Title:      chartTitle(w.L.Font, title),
			Legend:     excelize.ChartLegend{Position: "none"},
			VaryColors: &no,
			GapWidth:   &gap,
			PlotArea:   excelize.ChartPlotArea{ShowVal: true},
			XAxis:      excelize.ChartAxis{Font: font},
			YAxis: excelize.ChartAxis{Minimum: &zero, MajorUnit: unit, MajorGridLines: true, Font: font,
				NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0"}},
		}
		if err := addChart(w.f, sheet, cellName(countChartCol, 2), c, colourPoints(tones)); err != nil {
			return err
		}
		p.Groups = [][2]int{{2, 2 + countChartHeight/20}}
	}
	return setPrint(w.f, sheet, w.lang, p)
}

// batchSettings are the settings of the run's first file with
// departments (the defaults when none has), which name the evaluation in
// the document properties and band the total rates, and the time of the
// file modified last.
func batchSettings(b *Batch) (calc.Settings, time.Time) {
	s, found := calc.DefaultSettings(), false
	var t time.Time
	for _, bf := range b.Files {
		if !found && len(bf.Departments) > 0 {
			s, found = bf.Settings, true
		}
		if bf.Modified.After(t) {
			t = bf.Modified
		}
	}
	return s, t
}

// rateBins counts the run's counted departments by total rate as shown,
// in ranges of 10 points: 90–100% (100% and above included), 80–90%, …,
// lowest first, from 60–70% or the lowest range with a department if lower.
// A range takes the colour of the grade its lower end would have under s.
func rateBins(b *Batch, s calc.Settings) []countRow {
	var bins [10]int
	lowest := 10 // no department yet
	for _, bf := range b.Files {
		for _, d := range bf.Departments {
			if !d.Counted() {
				continue
			}
			i := min(max(int(bf.Settings.Percent(d.Rate.Dec()).Div(decimal.NewFromInt(10)).Floor().IntPart()), 0), 9)
			bins[i]++
			lowest = min(lowest, i)
		}
	}
	if lowest == 10 {
		return nil
	}
	var out []countRow
	for i := min(lowest, 6); i < 10; i++ {
		lo := decimal.NewFromInt(int64(10 * i))
		_, band := s.Grade(s.TotalPoints.Mul(lo).Div(calc.Hundred))
		out = append(out, countRow{label: fmt.Sprintf("%d%%–%d%%", 10*i, 10*i+10), count: bins[i], tone: gradeTone(band, len(s.Bands))})
	}
	return out
}

// shortPaths names each file below the folder all the files share:
// in/2025/a.xlsx and in/2025/b.xlsx are a.xlsx and b.xlsx.
func shortPaths(files []BatchFile) func(string) string {
	var common []string
	for i, f := range files {
		dir := strings.Split(filepath.ToSlash(filepath.Dir(f.Path)), "/")
		if i == 0 {
			common = dir
			continue
		}
		n := 0
		for n < len(common) && n < len(dir) && common[n] == dir[n] {
			n++
		}
		common = common[:n]
	}
	prefix := strings.Join(common, "/") + "/"
	if len(common) == 0 || prefix == "./" || prefix == "/" {
		prefix = ""
	}
	return func(path string) string {
		if rest, ok := strings.CutPrefix(filepath.ToSlash(path), prefix); ok && prefix != "" {
			return filepath.FromSlash(rest)
		}
		return path
	}
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
