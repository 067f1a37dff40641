package sheet

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func num(s string) Num { return NumOf(decimal.RequireFromString(s)) }

// TestBatchRowsRoundTrip: what Park writes, Load and Detail read back
// exactly: strings, numbers inline and too long for it, flags, a blocked
// department without detail; the run's own fields are not kept.
func TestBatchRowsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	rows, err := NewBatchRows(dir)
	if err != nil {
		t.Fatal(err)
	}
	huge := "123456789012345678901234567890.123456789" // past Num's 18 inline digits
	depts := []BatchDepartment{
		{Sheet: "评分表", Name: "市卫健委", Group: "g1", Tree: "t1", Names: "决策\x1e过程", Shown: num("87.96"), Rate: num("0.8796"), Band: "良", Vetoed: true,
			BatchDetail: &BatchDetail{Total: num(huge), Grade: "良（否决）", GradeIndex: 1, Rank: 2, Deducted: num("-3.5"), Applicable: num("90"), Factor: num("1.1111111111111111"),
				Level1: []BatchLevel1{
					{Name: "决策", Weight: num("20"), HasRate: true, Score: num("17.786"), Rate: num("0.8893")},
					{Name: "过程", Weight: num("0.000001"), NA: true, Score: num("0"), Rate: num("0")},
				}},
			BatchRank: 7, BatchOf: 9, CountedIn: "b.xlsx"},
		{Sheet: "评分表", Name: "市教育局", Group: "g1", Tree: "t1", Names: "决策\x1e过程", Blocked: 3, Whole: true, Shown: num("0"), BatchDetail: &BatchDetail{}},
	}
	span, err := rows.Park(depts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rows.Park(nil); err != nil { // a workbook without departments
		t.Fatal(err)
	}
	if span.Len() != 2 {
		t.Fatalf("span holds %d departments", span.Len())
	}
	back, err := rows.Load(span)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range back {
		want := depts[i]
		if d.BatchDetail != nil {
			t.Errorf("%s: Load kept the detail", d.Name)
		}
		if d.BatchRank != 0 || d.BatchOf != 0 || d.CountedIn != "" {
			t.Errorf("%s: the run's own fields came back: %d %d %q", d.Name, d.BatchRank, d.BatchOf, d.CountedIn)
		}
		if d.Sheet != want.Sheet || d.Name != want.Name || d.Group != want.Group || d.Tree != want.Tree || d.Names != want.Names || d.Band != want.Band ||
			d.Blocked != want.Blocked || d.Vetoed != want.Vetoed || d.Whole != want.Whole || !d.Shown.Dec().Equal(want.Shown.Dec()) || d.Rate != want.Rate {
			t.Errorf("row %d: got %+v, want %+v", i, d, want)
		}
		deducted, rescaled := d.extras()
		wd, wr := want.extras()
		if deducted != wd || rescaled != wr {
			t.Errorf("%s: extras %v %v, want %v %v", d.Name, deducted, rescaled, wd, wr)
		}
		x, err := d.Detail()
		if err != nil {
			t.Fatal(err)
		}
		if len(want.Level1) == 0 {
			want.Level1 = []BatchLevel1{}
		}
		if !reflect.DeepEqual(x, want.BatchDetail) {
			t.Errorf("%s: detail %+v, want %+v", d.Name, x, want.BatchDetail)
		}
	}
	if got := back[0].BatchDetail; got != nil {
		t.Errorf("Detail kept what it read: %+v", got)
	}
	if x, _ := back[0].Detail(); x.Total.Dec().String() != huge {
		t.Errorf("long total %s, want %s", x.Total.Dec(), huge)
	}

	// A row in memory is its own detail; one without any has an empty one.
	if x, err := depts[0].Detail(); err != nil || x != depts[0].BatchDetail {
		t.Errorf("in memory: %v %v", x, err)
	}
	if x, err := (&BatchDepartment{}).Detail(); err != nil || x == nil || len(x.Level1) != 0 {
		t.Errorf("no detail: %v %v", x, err)
	}

	// A file cut short is an error, never a row made up.
	name := rows.file.Name()
	if err := os.Truncate(name, span.size-3); err != nil {
		t.Fatal(err)
	}
	if _, err := rows.Load(span); err == nil {
		t.Error("a truncated file loaded")
	}
	if _, err := back[1].Detail(); err == nil {
		t.Error("a truncated detail read")
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Errorf("Close left %s: %v", name, err)
	}
	if _, err := rows.Park(depts); err == nil {
		t.Error("Park after Close")
	}
	if _, err := rows.Load(span); err == nil {
		t.Error("Load after Close")
	}
	if _, err := back[0].Detail(); err == nil {
		t.Error("Detail after Close")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left in the folder: %v", entries)
	}
}

// TestBatchSummaryFromParkedRows: a batch whose rows went through
// BatchRows (as a run's do) writes the same summary, byte for byte, as
// the same batch held in memory: extra columns, blocked rows, ranks.
func TestBatchSummaryFromParkedRows(t *testing.T) {
	dir := t.TempDir()
	mem := batchOf([]string{"0.95", "0.85", "0.72"}, []string{"0.91", "0.55"})
	// Deductions and a rescaled total on one department; one blocked.
	d := mem.Department(mem.Groups[0].Rows[1])
	d.Deducted, d.Applicable, d.Factor = num("-2"), num("80"), num("1.25")
	mem.Files[0].Departments = append(mem.Files[0].Departments, BatchDepartment{Sheet: "指标", Name: "部门X", Group: "0", Blocked: 2, BatchDetail: &BatchDetail{
		Level1: []BatchLevel1{{Name: "管理", Weight: num("40")}, {Name: "产出", Weight: num("60")}}}})
	mem.Groups[0].Rows = append(mem.Groups[0].Rows, BatchRef{File: 0, Dept: len(mem.Files[0].Departments) - 1})

	parked := batchOf([]string{"0.95", "0.85", "0.72"}, []string{"0.91", "0.55"})
	parked.Files, parked.Groups = append([]BatchFile(nil), mem.Files...), mem.Groups
	rows, err := NewBatchRows(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for i := range parked.Files {
		orig := mem.Files[i].Departments
		span, err := rows.Park(orig)
		if err != nil {
			t.Fatal(err)
		}
		back, err := rows.Load(span)
		if err != nil {
			t.Fatal(err)
		}
		for k := range back { // the run's own, set again as a run does
			back[k].BatchRank, back[k].BatchOf, back[k].CountedIn = orig[k].BatchRank, orig[k].BatchOf, orig[k].CountedIn
		}
		parked.Files[i].Departments = back
	}
	b := filepath.Join(dir, "parked.xlsx")
	if !bytes.Equal(summaryBytes(t, filepath.Join(dir, "mem.xlsx"), "zh", mem), summaryBytes(t, b, "zh", parked)) {
		t.Error("the summary from parked rows differs from the one in memory")
	}
	// The extra columns are there (the test would pass without them).
	found := false
	parts, _ := zipParts(t, b)
	for _, p := range parts {
		found = found || strings.Contains(p, LabelsFor("zh").FactorCol)
	}
	if !found {
		t.Error("no rescaling column in the summary")
	}
}

// TestNumCmp: Cmp agrees with decimal's on random numbers, inline and
// not, of close and distant exponents.
func TestNumCmp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pick := func() Num {
		switch r.IntN(5) {
		case 0:
			return NumOf(decimal.New(r.Int64N(1e18)-5e17, -r.Int32N(20))) // up to 18 digits
		case 1:
			d, _ := decimal.NewFromString("98765432109876543210.5")
			return NumOf(d.Mul(decimal.New(r.Int64N(3)-1, -r.Int32N(4))))
		default:
			return NumOf(decimal.New(r.Int64N(200001)-100000, -r.Int32N(6)))
		}
	}
	for range 20000 {
		a, b := pick(), pick()
		if got, want := a.Cmp(b), a.Dec().Cmp(b.Dec()); got != want {
			t.Fatalf("%s vs %s: %d, want %d", a.Dec(), b.Dec(), got, want)
		}
	}
	if num("1.50").Cmp(num("1.5")) != 0 || num("-0.001").Cmp(num("0")) != -1 {
		t.Error("equal or signed values compare wrong")
	}
}

// TestRowReaderCorrupt: lengths and varints that cannot be right are
// errors, never a huge allocation or a wrapped number.
func TestRowReaderCorrupt(t *testing.T) {
	for name, b := range map[string][]byte{
		"varint past 64 bits":         {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02},
		"string longer than the rest": binary.AppendUvarint(nil, 1<<20),
	} {
		rd := &rowReader{r: bytes.NewReader(b), end: int64(len(b))}
		if _, err := rd.str(); err == nil {
			t.Errorf("%s: read", name)
		}
	}
}
