//go:build !unix

package hostile

import "errors"

var errNoSpecial = errors.New("FIFOs and devices are made on unix only")

func mkfifo(string) error { return errNoSpecial }
func mkchar(string) error { return errNoSpecial }
