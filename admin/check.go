package admin

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Check asks url (a /healthz) whether the process behind it is alive: the
// answer's text when it is 200, else an error saying what it answered. It
// is `clinicbot health`, the container's health check, since a minimal
// image has no curl.
func Check(ctx context.Context, url string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("%s: %w", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s answered %d %s", url, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return strings.TrimSpace(string(body)), nil
}
