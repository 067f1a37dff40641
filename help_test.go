package main

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestHelpWordsMatch: the two languages have the same texts: none left
// empty in one only, and every flag has the same placeholder in both.
func TestHelpWordsMatch(t *testing.T) {
	var walk func(path string, zh, en reflect.Value)
	walk = func(path string, zh, en reflect.Value) {
		switch zh.Kind() {
		case reflect.Struct:
			for i := 0; i < zh.NumField(); i++ {
				walk(path+"."+zh.Type().Field(i).Name, zh.Field(i), en.Field(i))
			}
		case reflect.String:
			z, e := zh.String(), en.String()
			if (z == "") != (e == "") {
				t.Errorf("%s: zh %q, en %q", path, z, e)
			}
			if placeholder(z) != placeholder(e) {
				t.Errorf("%s: placeholder %q in zh, %q in en", path, placeholder(z), placeholder(e))
			}
		}
	}
	walk("helpWords", reflect.ValueOf(helpZh), reflect.ValueOf(helpEn))
}

// placeholder is the text of a flag's help in backquotes.
func placeholder(usage string) string {
	_, rest, ok := strings.Cut(usage, "`")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "`")
	return name
}

// TestHelpFor: --lang decides, wherever it is; else the locale; else
// Chinese.
func TestHelpFor(t *testing.T) {
	tests := []struct {
		args string
		env  map[string]string
		want *helpWords
	}{
		{"perfeval help run", nil, &helpZh},
		{"perfeval help run --lang en", nil, &helpEn},
		{"perfeval --lang=en run -h", nil, &helpEn},
		{"perfeval help run --lang zh", map[string]string{"LANG": "en_US.UTF-8"}, &helpZh},
		{"perfeval help run", map[string]string{"LANG": "en_US.UTF-8"}, &helpEn},
		{"perfeval help run", map[string]string{"LANG": "zh_CN.UTF-8"}, &helpZh},
		{"perfeval help run", map[string]string{"LC_MESSAGES": "en_GB", "LANG": "zh_CN.UTF-8"}, &helpEn},
		{"perfeval help run", map[string]string{"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, &helpZh},
		{"perfeval help run", map[string]string{"LC_ALL": "C"}, &helpZh},
		{"perfeval run -- --lang en", nil, &helpZh},
	}
	for _, tt := range tests {
		got := helpFor(strings.Fields(tt.args), func(k string) string { return tt.env[k] })
		if got != tt.want {
			t.Errorf("helpFor(%q, %v) is the %s help", tt.args, tt.env, map[*helpWords]string{&helpZh: "Chinese", &helpEn: "English"}[got])
		}
	}
}

// TestFlagErrorsInTheUsersLanguage: the flag parser's messages are said in
// Chinese by default, flags named as the help names them, and a value
// flag given last without its value is an error, not a flag eating "--".
func TestFlagErrorsInTheUsersLanguage(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--bogus", "x"}, "perfeval: 命令行参数有误：没有参数 --bogus\n"},
		{[]string{"run", "--jobs", "abc", "x"}, "perfeval: 命令行参数有误：参数 --jobs 的值“abc”无效\n"},
		{[]string{"run", "x", "--out"}, "perfeval: 命令行参数有误：参数 --out 后面缺少值\n"},
		{[]string{"run", "--split=maybe", "x"}, "perfeval: 命令行参数有误：参数 --split 的值“maybe”无效（应为 true 或 false）\n"},
		{[]string{"--lang", "en", "run", "x", "--report"}, "perfeval: flag --report needs a value\n"},
		{[]string{"--lang", "en", "check", "--nope", "x"}, "perfeval: no such flag: --nope\n"},
	} {
		code, _, stderr := runIn(t, dir, c.args...)
		if code != exitUsage || !strings.HasPrefix(stderr, c.want) {
			t.Errorf("%v: exit %d\n%s\nwant %q", c.args, code, stderr, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a usage error wrote %v", entries)
	}
}
