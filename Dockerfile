# The signoz-ha single executable on a minimal base, for running doctor inside the cluster
# (signoz-ha generate monitor writes the CronJob or Deployment that uses it).
# Build after `npm run release`:  docker build --build-arg VERSION=0.1.0 -t signoz-ha:0.1.0 .
# ARCH is x64 or arm64 (the release builds both).
FROM gcr.io/distroless/cc-debian12:nonroot
ARG VERSION=0.1.0
ARG ARCH=x64
COPY --chmod=0555 dist/release/signoz-ha-${VERSION}-linux-${ARCH} /usr/local/bin/signoz-ha
# The executable unpacks its package once into this directory: mount an emptyDir there when the
# root filesystem is read-only (the generated manifests do).
ENV SIGNOZ_HA_CACHE_DIR=/tmp/signoz-ha
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/signoz-ha"]
CMD ["doctor"]
