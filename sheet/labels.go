package sheet

// Labels are the words perfeval writes into result workbooks.
type Labels struct {
	Summary, Rates, Checks                  string // sheet names
	Rank, Department, Total, Rate, Grade    string
	Deductions, ScoreSuffix, RateSuffix     string
	Weight, NotApplicable, TotalRow         string
	TitleSuffix, RatesTitle                 string
	Evaluation                              string // the evaluation's name when the settings give none (评价名称)
	Severity, Sheet, Cell, Indicator        string
	Problem, Hint, Error, Warning, Level    string
	Levels                                  [4]string
	ResultSuffix, ErrorSuffix, SheetPrefix  string
	DeductionSep, Level1Sep, DeductionItems string

	// Per-department workbooks.
	DeptSheet, DeptTitleSuffix, Level1Row, WeightRow, ScoreRow, RateRow string
	RankOf, Evaluator, Loss, TreeTitle                                  string
	Unmarked                                                            string // the 校验 line for a sheet too large to mark
	// Notes under a department's level-1 table (spec §7.2): why its
	// numbers are what they are.
	NoteApplicable, NoteDeducted, NoteRescaled string
	Vetoed, Passed, VetoItem                   string // a veto item's outcome, in place of its score
	// Batch summaries.
	BatchName, BatchDepartments, BatchFiles, BatchGrades         string
	File, Status, Errors, Warnings, Output, Annotated, Count     string
	StatusOK, StatusInvalid, StatusUnreadable, BatchTitle, Split string
	StatusFailed, StatusInterrupted                              string
	// The folder as one evaluation (spec §8).
	GroupCaption, BlockedNote                              string // a block of departments ranked together; a department blocked by its own errors
	BatchGroupCaption, WorkbookRank, CountedIn, BatchStats string
	Mean, Median, Minimum, Maximum                         string
	BatchRoster, RosterState, NotSent, NotOnRoster         string
	SimilarTo, Sent, SentBlocked, MeanRow                  string
	DeductedCol, ApplicableCol, FactorCol                  string // a summary's extra columns (spec §7.2)
	MoreNotes, BlockedWholeNote, RatesNoteApplicable       string
	NoteVetoZero                                           string

	// Printing and charts.
	Font                                            string // the one font family of every style perfeval makes
	PageFooter                                      string // the footer: page n of N (Excel's &P and &N)
	MeanRate                                        string // the run's mean rate of a level-1 indicator, beside the department's
	ChartRates, ChartScores, ChartTotals, ChartNote string
	// The batch summary's charts: departments by grade, and how their
	// total rates are spread (a sheet of its own, its ranges' header).
	ChartGrades, ChartSpread, BatchSpread, RateRange string
	ResultWord                                       string // in per-department file names: <year><evaluation><ResultWord>_<department>.xlsx
}

// zh and en are the two label sets; --lang picks one.
var (
	zh = Labels{
		Summary: "汇总", Rates: "得分率", Checks: "校验",
		Rank: "排名", Department: "部门", Total: "总分", Rate: "得分率", Grade: "等级",
		Deductions: "主要扣分项", ScoreSuffix: "得分", RateSuffix: "得分率",
		Weight: "分值", NotApplicable: "不适用", TotalRow: "合计",
		TitleSuffix: "汇总", Evaluation: "部门整体支出绩效评价", RatesTitle: "各级指标得分及得分率",
		Severity: "级别", Sheet: "工作表", Cell: "单元格", Indicator: "指标",
		Problem: "问题", Hint: "处理建议", Error: "错误", Warning: "警告", Level: "级",
		Levels:       [4]string{"一级指标", "二级指标", "三级指标", "四级指标"},
		ResultSuffix: "_结果", ErrorSuffix: "_错误", SheetPrefix: "工作表：",
		DeductionSep: "、", Level1Sep: "；", DeductionItems: "：",
		DeptSheet: "评价结果", DeptTitleSuffix: "结果",
		Level1Row: "一级指标", WeightRow: "权重分值", ScoreRow: "得分", RateRow: "得分率",
		RankOf: "%d / %d", Evaluator: "评价单位", Loss: "扣分", TreeTitle: "各级指标得分",
		Unmarked:       "该表的 %d 个问题单元格未在表中标注（表太大，或问题过多），请按本表所列位置查看",
		NoteApplicable: "%s：权重分值为适用分值 %s（设定 %s，不适用的指标不计）",
		NoteDeducted:   "%s：得分不含扣分项 %s，扣分计入总分，不计入得分率",
		NoteRescaled:   "总分按比例折算：满分 %s × 得分 %s ÷ 适用分值 %s%s = %s",
		Vetoed:         "否决", Passed: "通过", VetoItem: "一票否决",
		BatchName: "批量汇总.xlsx", BatchDepartments: "部门汇总", BatchFiles: "文件清单", BatchGrades: "等级分布",
		File: "文件", Status: "状态", Errors: "错误数", Warnings: "警告数", Output: "结果文件", Annotated: "标注副本", Count: "部门数",
		StatusOK: "通过", StatusInvalid: "有错误", StatusUnreadable: "无法读取", BatchTitle: "批量评价汇总", Split: "分部门文件夹",
		StatusFailed: "写入失败", StatusInterrupted: "已中断",
		GroupCaption: "第 %d 组（%s）：一级指标及分值相同的部门一起排名", BlockedNote: "未计分：本部门有 %d 个错误，见“校验”表",
		BatchGroupCaption: "第 %d 组：一级指标 %s（%d 个部门参与排名）", WorkbookRank: "工作簿内排名", CountedIn: "重复提交：以 %s 为准，不计入", BatchStats: "统计",
		Mean: "平均得分率", Median: "中位数", Minimum: "最低", Maximum: "最高",
		BatchRoster: "名单核对", RosterState: "提交情况", NotSent: "未提交", NotOnRoster: "不在名单中",
		SimilarTo: "（名单中有“%s”）", Sent: "已提交", SentBlocked: "，有错误未计分", DeductedCol: "调节扣分", ApplicableCol: "适用分值", FactorCol: "折算系数", MoreNotes: "……另有更多部门的适用分值不同于设定分值，见各部门的结果工作簿", BlockedWholeNote: "未计分：评分表本身有错误（指标、分值或设置），整表未计分，见标注副本", RatesNoteApplicable: "%s：适用分值 %s，得分率按此计算（分值列为设定的 %s，不适用的指标不计）", NoteVetoZero: "一票否决：按设置“否决处理 = 总分为0”，总分记为 0，各一级指标得分照常列出", MeanRow: "平均得分率",
		Font: "等线", PageFooter: "第 &P 页，共 &N 页", MeanRate: "平均得分率",
		ChartRates: "一级指标得分率与平均", ChartScores: "一级指标得分与权重分值", ChartTotals: "各部门总分",
		ChartNote:   "部门多于 %d 个，未绘制总分图",
		ChartGrades: "各等级部门数", ChartSpread: "总分得分率分布", BatchSpread: "总分分布", RateRange: "得分率区间",
		ResultWord: "结果",
	}
	en = Labels{
		Summary: "Summary", Rates: "Rates", Checks: "Checks",
		Rank: "Rank", Department: "Department", Total: "Total", Rate: "Rate", Grade: "Grade",
		Deductions: "Main deductions", ScoreSuffix: " score", RateSuffix: " rate",
		Weight: "Weight", NotApplicable: "N/A", TotalRow: "Total",
		TitleSuffix: ": summary", Evaluation: "department expenditure performance evaluation", RatesTitle: "Scores and rates at every level",
		Severity: "Severity", Sheet: "Sheet", Cell: "Cell", Indicator: "Indicator",
		Problem: "Problem", Hint: "What to do", Error: "error", Warning: "warning", Level: "",
		Levels:       [4]string{"Level 1", "Level 2", "Level 3", "Level 4"},
		ResultSuffix: "_result", ErrorSuffix: "_errors", SheetPrefix: "Sheet: ",
		DeductionSep: ", ", Level1Sep: "; ", DeductionItems: ": ",
		DeptSheet: "Result", DeptTitleSuffix: "",
		Level1Row: "Level 1", WeightRow: "Weight", ScoreRow: "Score", RateRow: "Rate",
		RankOf: "%d of %d", Evaluator: "Evaluator", Loss: "Loss", TreeTitle: "Scores at every level",
		Unmarked:       "%d problem cells of this sheet are not marked in it (the sheet is too large, or there are too many problems): see the places listed here",
		NoteApplicable: "%s: the weight shown is the applicable weight %s (declared %s; items not applicable left out)",
		NoteDeducted:   "%s: the score leaves out deduction items of %s, which count in the total but not in the rate",
		NoteRescaled:   "Total rescaled: total points %s × score %s ÷ applicable points %s%s = %s",
		Vetoed:         "Vetoed", Passed: "Passed", VetoItem: "Veto",
		BatchName: "batch-summary.xlsx", BatchDepartments: "Departments", BatchFiles: "Files", BatchGrades: "Grades",
		File: "File", Status: "Status", Errors: "Errors", Warnings: "Warnings", Output: "Result", Annotated: "Annotated copy", Count: "Departments",
		StatusOK: "ok", StatusInvalid: "invalid", StatusUnreadable: "unreadable", BatchTitle: "Batch evaluation summary", Split: "Per-department folder",
		StatusFailed: "failed", StatusInterrupted: "interrupted",
		GroupCaption: "Group %d (%s): departments with the same level-1 indicators and weights are ranked together", BlockedNote: "not scored: errors of this department (%d), see the Checks sheet",
		BatchGroupCaption: "Group %d: level-1 indicators %s (%d departments ranked)", WorkbookRank: "Rank in workbook", CountedIn: "sent twice: counted from %s, not here", BatchStats: "Statistics",
		Mean: "Mean rate", Median: "Median", Minimum: "Minimum", Maximum: "Maximum",
		BatchRoster: "Roster", RosterState: "State", NotSent: "not sent", NotOnRoster: "not on the roster",
		SimilarTo: " (the roster has “%s”)", Sent: "sent", SentBlocked: ", not scored: errors", DeductedCol: "Deductions", ApplicableCol: "Applicable points", FactorCol: "Rescale factor", MoreNotes: "… more departments have applicable weights other than the declared ones: see each department's result workbook", BlockedWholeNote: "not scored: its table has errors (indicators, weights or settings), see the annotated copy", RatesNoteApplicable: "%s: applicable weight %s, over which the rate is taken (the Weight column shows the declared %s; items not applicable left out)", NoteVetoZero: "Vetoed: with Veto = zero in the settings the total is 0; the level-1 scores are shown as they are", MeanRow: "Mean rate",
		Font: "Calibri", PageFooter: "Page &P of &N", MeanRate: "Mean rate",
		ChartRates: "Level-1 rates beside the mean", ChartScores: "Level-1 scores against weights", ChartTotals: "Totals by department",
		ChartNote:   "More than %d departments: no chart of totals",
		ChartGrades: "Departments by grade", ChartSpread: "Departments by total rate", BatchSpread: "Totals", RateRange: "Total rate",
		ResultWord: " result",
	}
)

// LabelsFor returns the English labels for "en", else the Chinese ones.
func LabelsFor(lang string) Labels {
	if lang == "en" {
		return en
	}
	return zh
}
