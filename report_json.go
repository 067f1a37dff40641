package main

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// A report of 500 workbooks holds 12,000 departments' entries (55 MB of
// JSON). json.MarshalIndent writes each file's entry by reflection, asks
// each Number for its text and checks it, then indents the whole entry
// in a second pass: most of the time taken to write the report. The
// encoder here writes the same bytes in one pass, for the kinds a report
// holds; anything else (a map, a pointer, a type with its own encoding
// but Number) is left to json.MarshalIndent, whole.

// indentJSON appends v as json.MarshalIndent(v, prefix, "  ") writes it,
// and reports whether it could: when it returns false, what it appended
// is to be dropped.
func indentJSON(b []byte, v any, prefix string) ([]byte, bool) {
	return appendIndented(b, reflect.ValueOf(v), prefix, 0)
}

var (
	numberType        = reflect.TypeFor[Number]()
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// appendIndented appends v, its first line at depth levels of indent
// (already written) and its next lines after a newline, prefix and
// depth+1 levels.
func appendIndented(b []byte, v reflect.Value, prefix string, depth int) ([]byte, bool) {
	t := v.Type()
	if t == numberType {
		return appendNumber(b, Number(v.String()))
	}
	if t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType) ||
		t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType) {
		return b, false
	}
	switch v.Kind() {
	case reflect.String:
		return appendJSONString(b, v.String()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10), true
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool()), true
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 { // base64 in JSON
			return b, false
		}
		if v.IsNil() {
			return append(b, "null"...), true
		}
		if v.Len() == 0 {
			return append(b, "[]"...), true
		}
		b = append(b, '[')
		ok := true
		for i := range v.Len() {
			if i > 0 {
				b = append(b, ',')
			}
			b = newLine(b, prefix, depth+1)
			if b, ok = appendIndented(b, v.Index(i), prefix, depth+1); !ok {
				return b, false
			}
		}
		b = newLine(b, prefix, depth)
		return append(b, ']'), true
	case reflect.Struct:
		fields, ok := jsonFieldsOf(t)
		if !ok {
			return b, false
		}
		n := 0
		for _, f := range fields {
			fv := v.Field(f.index)
			if f.omitEmpty && emptyJSON(fv) {
				continue
			}
			if n == 0 {
				b = append(b, '{')
			} else {
				b = append(b, ',')
			}
			n++
			b = newLine(b, prefix, depth+1)
			b = append(b, f.key...)
			if b, ok = appendIndented(b, fv, prefix, depth+1); !ok {
				return b, false
			}
		}
		if n == 0 {
			return append(b, "{}"...), true
		}
		b = newLine(b, prefix, depth)
		return append(b, '}'), true
	}
	return b, false
}

// appendNumber appends n as Number.MarshalJSON gives it (null when
// empty), when it is plainly a number: else json checks it.
func appendNumber(b []byte, n Number) ([]byte, bool) {
	if n == "" {
		return append(b, "null"...), true
	}
	if strings.Trim(string(n), "0123456789.-+eE") != "" || !json.Valid([]byte(n)) {
		return b, false
	}
	return append(b, n...), true
}

// newLine appends a newline, prefix and depth levels of indent.
func newLine(b []byte, prefix string, depth int) []byte {
	b = append(b, '\n')
	b = append(b, prefix...)
	for range depth {
		b = append(b, "  "...)
	}
	return b
}

// emptyJSON is omitempty's test for the kinds appendIndented writes.
func emptyJSON(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String, reflect.Slice:
		return v.Len() == 0
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Bool:
		return !v.Bool()
	}
	return false
}

// jsonWritten lists the indexes of the fields of struct type t that
// encoding/json writes (exported, not tagged "-"), in order; false, and
// none, when t has an embedded field (JSON writes the fields it promotes,
// which neither indentJSON nor parkValue does). The report's parked
// departments keep these fields, and indentJSON writes them.
func jsonWritten(t reflect.Type) ([]int, bool) {
	var l []int
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			return nil, false
		}
		if f.IsExported() && f.Tag.Get("json") != "-" {
			l = append(l, i)
		}
	}
	return l, true
}

// jsonField is a struct field as JSON writes it.
type jsonField struct {
	index     int
	key       string // "name": , written
	omitEmpty bool
}

// jsonFieldCache holds each struct type's fields (jsonFieldsOf).
var jsonFieldCache sync.Map

type jsonFieldList struct {
	fields []jsonField
	ok     bool
}

// jsonFieldsOf lists the fields of t that JSON writes, in order, or false
// for a struct appendIndented leaves to encoding/json (an embedded
// field, a tag option other than omitempty, a name that needs escaping).
func jsonFieldsOf(t reflect.Type) ([]jsonField, bool) {
	if l, ok := jsonFieldCache.Load(t); ok {
		return l.(jsonFieldList).fields, l.(jsonFieldList).ok
	}
	written, ok := jsonWritten(t)
	l := jsonFieldList{ok: ok}
	for _, i := range written {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if opts != "" && opts != "omitempty" {
			l = jsonFieldList{}
			break
		}
		if name == "" {
			name = f.Name
		}
		key := appendJSONString(nil, name)
		if string(key) != `"`+name+`"` {
			l = jsonFieldList{}
			break
		}
		l.fields = append(l.fields, jsonField{index: i, key: string(key) + ": ", omitEmpty: opts == "omitempty"})
	}
	jsonFieldCache.Store(t, l)
	return l.fields, l.ok
}

const jsonHex = "0123456789abcdef"

// appendJSONString appends s quoted as encoding/json writes a string
// (HTML characters escaped, bytes that are not UTF-8 as \ufffd, U+2028
// and U+2029 escaped).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', jsonHex[c>>4], jsonHex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', jsonHex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
