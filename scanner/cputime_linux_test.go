package scanner

import (
	"syscall"
	"unsafe"
)

// threadCPU is the CPU time the calling thread has used, in nanoseconds:
// on a machine shared with other work, a benchmark's wall time counts the
// time others ran too, its thread's CPU time does not.
func threadCPU() (int64, bool) {
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	var ts syscall.Timespec
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0, false
	}
	return ts.Nano(), true
}
