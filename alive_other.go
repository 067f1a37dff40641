//go:build !unix

package main

import "os"

// processAlive reports whether a process with this id is running (on
// Windows, finding it opens it, which fails when it has ended).
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
