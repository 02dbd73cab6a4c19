// Package version says which build of clinicbot is running, from the
// build information the Go toolchain embeds in every binary: the module
// version, and the VCS revision and commit time when the binary was built
// from a git checkout.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Info describes one build.
type Info struct {
	// Version is the module version: a tag such as v1.2.0 for a build of a
	// tagged module, a pseudo-version, or "(devel)" for a build of a checkout.
	Version string
	// Revision is the VCS commit the binary was built from, "" if unknown
	// (built outside a checkout, or with -buildvcs=false).
	Revision string
	// Time is the commit's time (RFC 3339), "" if unknown.
	Time string
	// Modified reports uncommitted changes in the checkout at build time.
	Modified bool
	// Go is the Go toolchain version, e.g. go1.26.8.
	Go string
	// Platform is GOOS/GOARCH.
	Platform string
}

// Read returns the running binary's build information.
func Read() Info {
	info := Info{Version: "unknown", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return info
	}
	return fromBuildInfo(bi, info)
}

func fromBuildInfo(bi *debug.BuildInfo, info Info) Info {
	if v := bi.Main.Version; v != "" {
		info.Version = v
	}
	if bi.GoVersion != "" {
		info.Go = bi.GoVersion
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Revision = s.Value
		case "vcs.time":
			info.Time = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	return info
}

// ShortRevision is the revision's first 12 characters, with "+dirty" for
// a build of a modified checkout; "unknown" if there is none.
func (i Info) ShortRevision() string {
	r := i.Revision
	if r == "" {
		return "unknown"
	}
	if len(r) > 12 {
		r = r[:12]
	}
	if i.Modified {
		r += "+dirty"
	}
	return r
}

// String is what `clinicbot version` prints: one "key: value" line each.
func (i Info) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "clinicbot %s\n", i.Version)
	rev := i.Revision
	switch {
	case rev == "":
		rev = "unknown (built without version control information)"
	case i.Modified:
		rev += " (with uncommitted changes)"
	}
	fmt.Fprintf(&s, "revision: %s\n", rev)
	t := i.Time
	if t == "" {
		t = "unknown"
	}
	fmt.Fprintf(&s, "commit time: %s\n", t)
	fmt.Fprintf(&s, "go: %s %s\n", i.Go, i.Platform)
	return s.String()
}
