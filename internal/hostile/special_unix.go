//go:build unix

package hostile

import "syscall"

func mkfifo(path string) error { return syscall.Mkfifo(path, 0o644) }

// mkchar makes a character device like /dev/zero (needs the right to
// mknod).
func mkchar(path string) error {
	return syscall.Mknod(path, syscall.S_IFCHR|0o644, 1<<8|5)
}
