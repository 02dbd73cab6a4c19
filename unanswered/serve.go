package unanswered

import (
	"context"
	"log/slog"
	"os"
	"time"
)

// Serve opens the log at path for a bot that is serving: questions older
// than retention are deleted every hour, and each signal on hup
// (logrotate's SIGHUP, once it has moved the file away) reopens the file,
// until ctx ends. The caller closes the log.
func Serve(ctx context.Context, path string, retention time.Duration, hup <-chan os.Signal, log *slog.Logger) (*Log, error) {
	l, err := Open(path, retention)
	if err != nil {
		return nil, err
	}
	go l.PurgeEvery(ctx, time.Hour, log)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if err := l.Reopen(); err != nil {
					log.Error("unanswered log: cannot reopen", "err", err)
					continue
				}
				log.Info("unanswered log reopened (SIGHUP)")
			}
		}
	}()
	return l, nil
}
