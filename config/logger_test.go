package config

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestLoggerFormats(t *testing.T) {
	var buf bytes.Buffer
	log := Log{Format: "json", Level: "warn"}.Logger(&buf)
	log.Info("not shown")
	log.Warn("telegram: retrying", "method", "sendMessage", "attempt", 3)
	log.Error("two\nlines", "err", "a \"quoted\" value")
	sc := bufio.NewScanner(&buf)
	n := 0
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %q is not JSON: %v", sc.Text(), err)
		}
		if rec["level"] == "INFO" {
			t.Errorf("an info line at level warn")
		}
		n++
	}
	if n != 2 {
		t.Errorf("%d JSON lines, want 2", n)
	}
	buf.Reset()
	Log{Format: "text", Level: "debug"}.Logger(&buf).Debug("hello", "k", "v")
	if got := buf.String(); !strings.Contains(got, "level=DEBUG msg=hello k=v") {
		t.Errorf("text log %q", got)
	}
}
