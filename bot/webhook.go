package bot

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/clinicbot/clinicbot/state"
)

// secretHeader carries the secret Telegram was given with setWebhook.
const secretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Handler returns the webhook endpoint. Run serves it in webhook mode; it
// is exported for tests and for embedding in another server.
//
// It answers 405 to anything but POST, 401 when the secret header is
// missing or wrong (compared in constant time; with no secret configured
// every request is refused), 413 to a body over 1 MiB, 400 to a body that
// is not an update, 503 once Run is shutting down (Telegram delivers the
// update again later), 500 if the state cannot be written, and 200 once
// the update is recorded in the state. Bodies are never logged.
//
// The library's own webhook handler answers 200 to a wrong secret, logs
// whole bodies that fail to decode, and queues updates in a channel that
// shutdown drops; this one answers 200 only once the update is durable,
// so neither shutdown nor a crash loses an accepted update.
func (b *Bot) Handler() http.Handler {
	return http.HandlerFunc(b.serveWebhook)
}

// healthPath answers a load balancer's or orchestrator's health check in
// webhook mode: 200 while updates are taken, 503 once shutting down.
const healthPath = "/healthz"

func (b *Bot) serveHealth(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if b.disp.isClosed() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "ok\n")
}

func (b *Bot) serveWebhook(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
			b.logPanic(p, &turn{})
			http.Error(w, "internal error", http.StatusInternalServerError)
		}
	}()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !b.secretOK(r.Header.Get(secretHeader)) {
		b.refused("telegram: webhook request with a missing or wrong secret refused", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	var u models.Update
	var fixed []byte
	if err := json.Unmarshal(body, &u); err != nil {
		// Perhaps a newer Bot API than the library knows (see salvage.go).
		var id int64
		id, fixed = salvageUpdate(body)
		u = models.Update{} // the failed decoding may have filled some of it
		if fixed == nil || json.Unmarshal(fixed, &u) != nil {
			u.ID = 0
		} else {
			b.log.Warn("telegram: updates this version cannot fully read were answered from their text", "updates", []int64{id})
		}
	}
	if u.ID <= 0 {
		b.refused("telegram: webhook request that is not an update refused", "bytes", len(body))
		http.Error(w, "malformed update", http.StatusBadRequest)
		return
	}
	if b.disp.isClosed() {
		// Shutting down: Telegram will deliver it again, to the next process.
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	if fixed != nil {
		body = fixed
	}
	// The 200 goes out only once the update is in the state: from there a
	// restart answers it, whatever happens to this process.
	fresh, err := b.store.Take([]state.Update{{ID: u.ID, Raw: keepable(body, b.desk.calls.filling)}})
	if err != nil {
		b.log.Error("state: cannot record an update; Telegram will deliver it again", "update", u.ID, "error", err.Error())
		http.Error(w, "cannot record the update", http.StatusInternalServerError)
		return
	}
	if len(fresh) == 0 {
		b.log.Info("telegram: update delivered twice, answered once", "update", u.ID)
	} else {
		b.onUpdate(&u)
	}
	w.WriteHeader(http.StatusOK)
}

// refusedLogEvery is how often a refused webhook request is logged at most.
const refusedLogEvery = time.Minute

// refused logs a refused webhook request, at most once a minute, with the
// number refused since the last line.
func (b *Bot) refused(msg string, args ...any) {
	ok, held := b.refusedLog.allow()
	if !ok {
		return
	}
	if held > 0 {
		args = append(args, "refused_since_last_line", held)
	}
	b.log.Warn(msg, args...)
}

// secretOK compares the header with the secret in constant time. Both are
// hashed first so that not even the secret's length leaks.
func (b *Bot) secretOK(got string) bool {
	if b.secret == "" || got == "" {
		return false
	}
	g, want := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(b.secret))
	return subtle.ConstantTimeCompare(g[:], want[:]) == 1
}
