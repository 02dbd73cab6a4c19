#!/bin/sh
# Builds the clinicbot binary exactly as releases and the container image
# are built, so that CI tests the same binary an operator runs:
#   CGO_ENABLED=0      a static binary, no C library needed (runs FROM scratch)
#   -trimpath          no build machine paths inside
#   -ldflags '-s -w'   no symbol table or debug information (smaller)
#   -buildvcs=true     the git revision and commit time stamped in, for
#                      `clinicbot version` and clinicbot_build_info
#                      (in a git checkout; an export builds without them)
# GOOS and GOARCH come from the environment, for cross builds.
#
# Usage: scripts/build.sh OUTPUT
set -eu
out=${1:?usage: scripts/build.sh OUTPUT}
cd "$(dirname "$0")/.."
CGO_ENABLED=0 exec go build -trimpath -buildvcs=true -ldflags='-s -w' -o "$out" ./cmd/clinicbot
