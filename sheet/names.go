package sheet

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// MaxNameBytes is the longest file or folder name most file systems take
// (ext4, NTFS in UTF-16 units, APFS): 255 bytes.
const MaxNameBytes = 255

// numberRoom is kept free in every output name for the " (2)" … " (9999)"
// that tells apart two outputs that would have the same name.
const numberRoom = 8

// FitName joins stem and tail (a suffix and extension, e.g. "_结果.xlsx")
// into a name that fits MaxNameBytes with room for a " (n)". A stem too
// long is cut at a character boundary and gets "~" and six hex digits of
// its SHA-256, so that two long names that start alike stay apart and a
// rerun gives the same name.
func FitName(stem, tail string) string {
	budget := MaxNameBytes - numberRoom - len(tail)
	if len(stem) <= budget {
		return stem + tail
	}
	sum := sha256.Sum256([]byte(stem))
	mark := "~" + hex.EncodeToString(sum[:3])
	cut := budget - len(mark)
	for cut > 0 && !utf8.RuneStart(stem[cut]) {
		cut--
	}
	return strings.TrimRight(stem[:cut], " .") + mark + tail
}

// SplitDirName is the name of an input's per-department folder: the
// input's name without its extension, shortened to fit.
func SplitDirName(input string) string {
	base := filepath.Base(input)
	return FitName(strings.TrimSuffix(base, filepath.Ext(base)), "")
}
