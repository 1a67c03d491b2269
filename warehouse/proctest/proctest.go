// Package proctest reads, for tests, what Linux's /proc says about a process: its
// memory (VmRSS, VmHWM) and which of its children already run a given command. The
// memory tests of the sandbox, the API and the server process share it.
package proctest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// StatusKB reads a "Vm…: N kB" line (VmRSS, VmHWM) of /proc/pid/status; 0 when the
// process is gone or has no such line.
func StatusKB(pid int, key string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// Children are the children of parent whose command line has arg as one of its
// arguments. A child that has been forked but not yet exec'd shares its parent's memory
// (Go starts children with vfork), so its VmHWM is the parent's; its command line is
// still the parent's too, which is how it is left out.
func Children(parent int, arg string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	want := strconv.Itoa(parent)
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces, so read after the last ')'.
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(fields) < 2 || fields[1] != want {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && slices.Contains(strings.Split(string(cmdline), "\x00"), arg) {
			out = append(out, pid)
		}
	}
	return out
}
