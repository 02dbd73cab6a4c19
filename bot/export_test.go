package bot

import "time"

// SetBeforeAnswer makes b call f before answering each question (to inject
// a panic). Call it before Run.
func SetBeforeAnswer(b *Bot, f func(question string)) { b.beforeAnswer = f }

// SetAttemptTimeout changes how long one request may take.
func SetAttemptTimeout(b *Bot, d time.Duration) { b.attemptTimeout = d }

// SetBackoff changes the first wait after a 5xx or a broken connection.
func SetBackoff(b *Bot, d time.Duration) { b.backoff = d }

// SetMaxQueued changes how many updates one sender may have waiting
// before the "one question at a time" notice. Call it before Run.
func SetMaxQueued(b *Bot, n int) { b.disp.maxQueued = n }

// SetConflictWait changes the first wait after a 409 Conflict on getUpdates.
func SetConflictWait(b *Bot, d time.Duration) { b.conflicts.first = d }
