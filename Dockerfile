# The corsgate container image, built by goreleaser (dockers_v2 in
# .goreleaser.yaml). It pulls no base image: FROM scratch, with the static
# binary goreleaser puts in the build context under TARGETPLATFORM and the CA
# certificates a before hook copied from the build machine into build/.
#
#   docker run --rm -v "$PWD:/work" ghcr.io/corsgate/corsgate lint api/
#   docker run --rm -p 8080:8080 ghcr.io/corsgate/corsgate serve --listen 0.0.0.0:8080
FROM scratch
ARG TARGETPLATFORM
COPY build/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY $TARGETPLATFORM/corsgate /usr/local/bin/corsgate
# Any unprivileged user; run with --user "$(id -u):$(id -g)" to rewrite files
# in a mounted directory (lint --fix, transform -w).
USER 65532:65532
WORKDIR /work
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/corsgate"]
CMD ["--help"]
