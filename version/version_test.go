package version

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/clinicbot/clinicbot", Version: "v1.2.0"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "31bdd1d0a1b2c3d4e5f60718293a4b5c6d7e8f90"},
			{Key: "vcs.time", Value: "2026-12-03T18:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	got := fromBuildInfo(bi, Info{Platform: "linux/arm64"})
	want := Info{Version: "v1.2.0", Revision: "31bdd1d0a1b2c3d4e5f60718293a4b5c6d7e8f90", Time: "2026-12-03T18:00:00Z", Modified: true, Go: "go1.26.8", Platform: "linux/arm64"}
	if got != want {
		t.Fatalf("fromBuildInfo = %+v, want %+v", got, want)
	}
	if s := got.ShortRevision(); s != "31bdd1d0a1b2+dirty" {
		t.Errorf("ShortRevision = %q", s)
	}
	out := got.String()
	for _, line := range []string{
		"clinicbot v1.2.0",
		"revision: 31bdd1d0a1b2c3d4e5f60718293a4b5c6d7e8f90 (with uncommitted changes)",
		"commit time: 2026-12-03T18:00:00Z",
		"go: go1.26.8 linux/arm64",
	} {
		if !strings.Contains(out, line+"\n") {
			t.Errorf("String() lacks %q:\n%s", line, out)
		}
	}
}

func TestNoVCS(t *testing.T) {
	got := fromBuildInfo(&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, Info{Version: "unknown", Go: "go1.26.8"})
	if got.Revision != "" || got.ShortRevision() != "unknown" {
		t.Errorf("revision without VCS settings: %q / %q", got.Revision, got.ShortRevision())
	}
	if !strings.Contains(got.String(), "revision: unknown (built without version control information)") {
		t.Errorf("String():\n%s", got)
	}
}
