# clinicbot's build, test and release targets. Every binary is built by
# scripts/build.sh, with the flags the container image and CI use.

BIN      ?= bin/clinicbot
DIST     ?= dist
PLATFORMS = linux/amd64 linux/arm64
IMAGE    ?= clinicbot

.PHONY: build test release docker clean

## build: the clinicbot binary for this machine
build:
	sh scripts/build.sh $(BIN)

## test: everything CI runs (gofmt, vet, race tests, gates, packaging checks)
test:
	bash tests/run.sh

## release: static binaries for linux/amd64 and linux/arm64, with SHA256SUMS
release:
	rm -rf $(DIST) && mkdir -p $(DIST)
	for p in $(PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; \
	  GOOS=$$os GOARCH=$$arch sh scripts/build.sh $(DIST)/clinicbot-$$os-$$arch || exit 1; \
	done
	cd $(DIST) && sha256sum clinicbot-* > SHA256SUMS && cat SHA256SUMS

## docker: the container image (needs a container engine)
docker:
	docker build -t $(IMAGE) .

clean:
	rm -rf $(BIN) $(DIST)
