#!/usr/bin/env bash
# Packaging checks, run by tests/run.sh with the binary scripts/build.sh
# built: that binary is what the Dockerfile's build stage produces (same
# script, same flags); the Dockerfile's and the systemd unit's promises are
# checked as far as this machine allows, and what could not be run is said.
#
# Usage: tests/packaging.sh BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:?usage: tests/packaging.sh BINARY}
fail() { echo "packaging: $*" >&2; exit 1; }

# The binary: static, trimmed, stripped, and it says which build it is.
info=$(go version -m "$bin")
grep -q 'CGO_ENABLED=0' <<<"$info" || fail "$bin is not a static (CGO_ENABLED=0) build"
grep -q -- '-trimpath=true' <<<"$info" || fail "$bin was built without -trimpath"
if go tool nm "$bin" >/dev/null 2>&1; then fail "$bin has a symbol table (not built with -ldflags '-s -w')"; fi
"$bin" version | grep -q '^clinicbot ' || fail "clinicbot version printed nothing"
echo "binary: static, trimmed, stripped; $("$bin" version | sed -n 2p)"

# The Dockerfile builds with the same script, on the Go version go.mod
# names, into an empty image run as a non-root user, with a health check
# the image itself can run and the state directory as a volume.
df=Dockerfile
gomod=$(awk '$1 == "go" { print $2 }' go.mod)
grep -q "^ARG GO_VERSION=$gomod\$" $df || fail "$df: ARG GO_VERSION is not go.mod's go $gomod"
grep -q 'sh scripts/build.sh /out/clinicbot' $df || fail "$df: the build stage does not use scripts/build.sh"
grep -q '^FROM scratch' $df || fail "$df: the final image is not FROM scratch"
user=$(awk '$1 == "USER" { print $2 }' $df | tail -1)
[[ -n $user && ${user%%:*} != 0 && ${user%%:*} != root ]] || fail "$df: the image runs as root"
grep -q '^HEALTHCHECK ' $df && grep -q 'CMD \["/usr/local/bin/clinicbot", "health"\]' $df || fail "$df: no HEALTHCHECK running clinicbot health"
grep -q '^VOLUME \["/var/lib/clinicbot"\]' $df || fail "$df: the state directory is not a volume"
grep -q 'CLINICBOT_STATE_DIR=/var/lib/clinicbot' $df || fail "$df: CLINICBOT_STATE_DIR is not the volume"
if timeout 10 docker info >/dev/null 2>&1; then
  docker build -q -t clinicbot:ci . >/dev/null || fail "docker build failed"
  echo "Dockerfile: image built"
else
  echo "Dockerfile: checked as text; no container engine here, so the image itself was not built or run"
fi

# The systemd unit: systemd-analyze verify (syntax, directives, the binary)
# and its security exposure score; systemd is installed for it in CI when
# missing (a few seconds), else the unit is only linted.
unit=deploy/clinicbot.service
for d in DynamicUser=yes StateDirectory=clinicbot ProtectSystem=strict NoNewPrivileges=yes \
  'ExecStart=/usr/local/bin/clinicbot serve' 'CapabilityBoundingSet=$' 'SystemCallFilter=@system-service'; do
  grep -q "^$d" $unit || fail "$unit: no ${d%\$}"
done
if ! command -v systemd-analyze >/dev/null && [[ ${CI:-} == true && $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
  echo "installing systemd for systemd-analyze (CI)"
  timeout 300 sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends systemd' >/dev/null 2>&1 ||
    echo "could not install systemd"
fi
if command -v systemd-analyze >/dev/null; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  sed "s|/usr/local/bin/clinicbot|$bin|" $unit >"$tmp/clinicbot.service"
  out=$(systemd-analyze verify "$tmp/clinicbot.service" 2>&1) || fail "systemd-analyze verify: $out"
  [[ -z $out ]] || fail "systemd-analyze verify $unit: $out"
  # Exposure from 0 (locked down) to 10 (none); 2.0 at most.
  systemd-analyze --offline=true --threshold=20 security "$tmp/clinicbot.service" >"$tmp/security" 2>&1 ||
    fail "$unit: $(tail -1 "$tmp/security")"
  echo "systemd unit: verified; $(tail -1 "$tmp/security" | sed 's/→ //')"
else
  echo "systemd unit: linted only (systemd-analyze is not installed)"
fi
