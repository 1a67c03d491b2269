package api

import (
	"fmt"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
)

// perUser caps the SQL queries one caller (token or user name) has running at once,
// from the request until its result is sent: one analyst cannot take every worker of
// the sandbox, nor fill the disk with spooled results.
type perUser struct {
	max     int
	mu      sync.Mutex
	running map[string]int
}

func newPerUser(max int) *perUser {
	return &perUser{max: max, running: map[string]int{}}
}

// enter counts a query of who in; false when who already runs max.
func (u *perUser) enter(who string) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.running[who] >= u.max {
		return false
	}
	u.running[who]++
	return true
}

// leave counts a query of who out.
func (u *perUser) leave(who string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.running[who]--; u.running[who] <= 0 {
		delete(u.running, who)
	}
}

// busyMessage is the answer to a caller over the cap.
func (u *perUser) busyMessage() string {
	return fmt.Sprintf("bezet: u heeft al %d query's tegelijk lopen, het maximum per gebruiker; "+
		"wacht tot een ervan klaar is en probeer het dan opnieuw", u.max)
}

// Retry-After of the two busy answers, in seconds: the caller's own queries end within
// seconds; a full sandbox takes longer to free up.
const (
	retryAfterUser   = "5"
	retryAfterGlobal = "60"
)

// writeBusy answers 429 Too Many Requests with a Retry-After.
func writeBusy(c *gin.Context, retryAfter, msg string) {
	c.Header("Retry-After", retryAfter)
	writeError(c, http.StatusTooManyRequests, msg, "")
}
