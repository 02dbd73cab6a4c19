# clinicbot's container image: a static binary on an empty base, run as a
# non-root user. The README ("Operations") shows how to run it.
#
#   docker build -t clinicbot .
#   docker run -d --name clinicbot -e TELEGRAM_BOT_TOKEN=... -e CLINICBOT_BOOKING_URL=... \
#     -v clinicbot-state:/var/lib/clinicbot -p 127.0.0.1:9090:9090 clinicbot
#
# Mount points: /srv/clinicbot/config.yaml (settings, optional),
# /srv/clinicbot/knowledge (the clinic's knowledge folder, optional: set
# CLINICBOT_KNOWLEDGE=/srv/clinicbot/knowledge), /var/lib/clinicbot (state,
# a volume).

ARG GO_VERSION=1.26.8

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The platform asked for (docker build --platform); empty means this machine's.
ARG TARGETOS
ARG TARGETARCH
# The same script and flags as CI and `make release` (see scripts/build.sh).
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH sh scripts/build.sh /out/clinicbot \
 && mkdir -p /out/state /out/srv/knowledge \
 && mkdir -m 1777 /out/tmp

FROM scratch
# Certificates for HTTPS to Telegram; no shell, no package manager.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/clinicbot /usr/local/bin/clinicbot
COPY --from=build --chown=65532:65532 /out/state /var/lib/clinicbot
COPY --from=build /out/srv /srv/clinicbot
COPY --from=build /out/tmp /tmp
# A numeric user: there is no /etc/passwd in an empty image.
USER 65532:65532
WORKDIR /srv/clinicbot
ENV CLINICBOT_STATE_DIR=/var/lib/clinicbot \
    CLINICBOT_ADMIN_LISTEN=:9090 \
    CLINICBOT_LOG_FORMAT=json
VOLUME ["/var/lib/clinicbot"]
# 9090: /healthz, /readyz, /metrics. 8443: the webhook, in webhook mode.
EXPOSE 9090 8443
# No curl in an empty image: the binary checks its own /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/clinicbot", "health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/clinicbot"]
CMD ["serve"]
