package warehouse

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// worker is the server's side of one sandbox worker process: it runs one query at a
// time and is not safe for concurrent use.
type worker struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	enc    *json.Encoder
	out    *bufio.Reader
	stderr *tail
	exited chan struct{} // closed when the process has ended
	nextID int64
	broken bool // killed, crashed or out of step: not to be used again
}

// workerStartTimeout bounds how long a new worker may take to open the snapshot.
const workerStartTimeout = 30 * time.Second

// startWorker starts a worker process with command and sends it open; it returns once
// the worker has opened the snapshot.
func startWorker(command []string, open workerRequest) (*worker, error) {
	if os.Getenv(sandboxWorkerEnv) != "" {
		return nil, errors.New("warehouse: sandbox: a sandbox worker does not start workers " +
			"(a test binary needs the SandboxWorkerArg check in its TestMain)")
	}
	if len(command) == 0 {
		return nil, errors.New("warehouse: sandbox: no worker command")
	}
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Env = workerEnv()
	cmd.Dir = "/"
	cmd.SysProcAttr = workerProcAttr()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	w := &worker{cmd: cmd, stdin: stdin, enc: json.NewEncoder(stdin), out: bufio.NewReaderSize(stdout, 256<<10),
		stderr: &tail{max: 8 << 10}, exited: make(chan struct{})}
	cmd.Stderr = w.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("warehouse: sandbox: start the worker %s: %w", command[0], err)
	}
	go func() {
		cmd.Wait()
		close(w.exited)
	}()
	ready := make(chan error, 1)
	go func() {
		if err := w.enc.Encode(open); err != nil {
			ready <- err
			return
		}
		kind, n, err := readFrameHeader(w.out)
		if err != nil {
			ready <- err
			return
		}
		switch kind {
		case frameReady:
			var v map[string]int
			ready <- readJSONFrame(w.out, n, &v)
		case frameError:
			var we workerError
			if err := readJSONFrame(w.out, n, &we); err != nil {
				ready <- err
				return
			}
			ready <- errors.New(we.Msg)
		default:
			ready <- errBadFrame
		}
	}()
	select {
	case err = <-ready:
	case <-time.After(workerStartTimeout):
		err = errors.New("no answer within " + workerStartTimeout.String())
	}
	if err != nil {
		w.kill()
		msg := strings.TrimSpace(w.stderr.String())
		if len(msg) > 500 {
			msg = msg[len(msg)-500:]
		}
		return nil, fmt.Errorf("warehouse: sandbox: the worker (%s) did not start: %w; its last output: %q",
			strings.Join(command, " "), err, msg)
	}
	return w, nil
}

// workerEnv is a worker's environment: only what the Go runtime and the time zone
// need, so nothing of the server's environment can reach a query.
func workerEnv() []string {
	env := []string{sandboxWorkerEnv + "=1"}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "TZ", "GOMAXPROCS", "GOGC", "GODEBUG", "GORACE", "GOTRACEBACK", "LD_LIBRARY_PATH":
			env = append(env, kv)
		}
	}
	return env
}

// answer is what came back for one query.
type answer struct {
	header workerHeader
	done   workerDone
	failed *workerError // the worker's error frame
	err    error        // the worker broke (exited, or sent something else)
}

// run sends a query and copies its Arrow stream to spool, at most maxBytes (a little
// more for the stream's framing). At timeout, or when cancel is closed, it asks the
// worker to stop the query, and kills the worker when that takes longer than grace.
// cause says which of the two ended it early ("" when it did not).
func (w *worker) run(req workerRequest, spool io.Writer, timeout, grace time.Duration, cancel <-chan struct{}) (answer, string) {
	w.nextID++
	req.ID = w.nextID
	if req.Op == "" {
		req.Op = "query"
	}
	if err := w.enc.Encode(req); err != nil {
		w.broken = true
		return answer{err: err}, ""
	}
	ch := make(chan answer, 1)
	limit := req.MaxBytes + req.MaxBytes/8 + 1<<20
	go func() { ch <- w.read(spool, limit) }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var cause string
	select {
	case a := <-ch:
		if a.err != nil {
			w.broken = true
		}
		return a, ""
	case <-timer.C:
		cause = "timeout"
	case <-cancel:
		cause = "cancelled"
	}
	if err := w.enc.Encode(workerRequest{Op: "cancel", ID: req.ID}); err != nil {
		w.broken = true
	}
	select {
	case a := <-ch:
		if a.err != nil {
			w.broken = true
		}
		return a, cause
	case <-time.After(grace):
		// Stuck inside a function that does not look at the interrupt.
		w.broken = true
		w.kill()
		return <-ch, cause
	}
}

// read reads one query's answer.
func (w *worker) read(spool io.Writer, limit int64) answer {
	var a answer
	var written int64
	for {
		kind, n, err := readFrameHeader(w.out)
		if err != nil {
			a.err = err
			return a
		}
		switch kind {
		case frameHeader:
			err = readJSONFrame(w.out, n, &a.header)
		case frameArrow:
			written += int64(n)
			if written > limit {
				err = fmt.Errorf("%w: more than %d bytes of result", errBadFrame, limit)
				break
			}
			_, err = io.CopyN(spool, w.out, int64(n))
		case frameDone:
			a.err = readJSONFrame(w.out, n, &a.done)
			return a
		case frameError:
			var we workerError
			if a.err = readJSONFrame(w.out, n, &we); a.err == nil {
				a.failed = &we
			}
			return a
		default:
			err = errBadFrame
		}
		if err != nil {
			a.err = err
			return a
		}
	}
}

// crashedOfMemory waits briefly for a worker that broke off to end and reports whether
// it ended for want of memory (the Go runtime or DuckDB said so before it died).
func (w *worker) crashedOfMemory() bool {
	select {
	case <-w.exited:
	case <-time.After(5 * time.Second):
		w.kill()
	}
	out := strings.ToLower(w.stderr.String())
	// The Go runtime, glibc and DuckDB say it in these words; a thread that cannot
	// get its stack is short of memory too.
	for _, sign := range []string{"out of memory", "cannot allocate", "bad_alloc", "bad alloc",
		"failed to create new os thread", "pthread_create failed"} {
		if strings.Contains(out, sign) {
			return true
		}
	}
	return false
}

// kill ends the process at once and waits for it.
func (w *worker) kill() {
	w.cmd.Process.Kill()
	<-w.exited
}

// stop ends an idle worker: it exits when its stdin closes; it is killed when it has
// not after two seconds.
func (w *worker) stop() {
	w.stdin.Close()
	select {
	case <-w.exited:
	case <-time.After(2 * time.Second):
		w.kill()
	}
}

// pid is the worker's process id.
func (w *worker) pid() int { return w.cmd.Process.Pid }

// tail keeps the last max bytes written to it: a worker's stderr, read when it dies.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
