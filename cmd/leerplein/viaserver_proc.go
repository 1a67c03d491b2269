package main

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// listenAddrOf finds the TCP address process pid listens on, from /proc (Linux, and
// only when the caller may read the process's file descriptors: the same user or
// root). ok is false when it cannot tell; then the caller falls back to the default.
func listenAddrOf(pid int) (addr string, ok bool) {
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return "", false
	}
	sockets := map[string]bool{}
	for _, fd := range fds {
		link, err := os.Readlink(filepath.Join(fmt.Sprintf("/proc/%d/fd", pid), fd.Name()))
		if err == nil && strings.HasPrefix(link, "socket:[") {
			sockets[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] = true
		}
	}
	for _, table := range []string{"tcp", "tcp6"} {
		if addr, ok := listeningIn(fmt.Sprintf("/proc/%d/net/%s", pid, table), sockets); ok {
			return addr, true
		}
	}
	return "", false
}

// listeningIn reads a /proc/net/tcp table and returns the local address of the first
// listening socket among sockets (by inode).
func listeningIn(path string, sockets map[string]bool) (string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || fields[3] != "0A" || !sockets[fields[9]] { // 0A: LISTEN
			continue
		}
		if addr, ok := decodeProcAddr(fields[1]); ok {
			return addr, true
		}
	}
	return "", false
}

// decodeProcAddr turns /proc/net/tcp's "0100007F:1F90" into "127.0.0.1:8080". The
// address is in host byte order per 32-bit word (little-endian on the machines we run).
func decodeProcAddr(s string) (string, bool) {
	hexIP, hexPort, ok := strings.Cut(s, ":")
	if !ok {
		return "", false
	}
	raw, err := hex.DecodeString(hexIP)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return "", false
	}
	port, err := strconv.ParseUint(hexPort, 16, 16)
	if err != nil {
		return "", false
	}
	ip := make(net.IP, len(raw))
	for i := 0; i < len(raw); i += 4 {
		ip[i], ip[i+1], ip[i+2], ip[i+3] = raw[i+3], raw[i+2], raw[i+1], raw[i]
	}
	host := ip.String()
	if ip.IsUnspecified() {
		host = "" // listenURL makes it the loopback address
	}
	return net.JoinHostPort(host, strconv.FormatUint(port, 10)), true
}
