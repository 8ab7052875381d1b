# docknetdoctor in a container image:
#   docker build -t docknetdoctor .
#   docker run --rm --net=host --pid=host --cap-add=NET_ADMIN --cap-add=SYS_ADMIN \
#     --cap-add=SYS_PTRACE -v /var/run/docker.sock:/var/run/docker.sock docknetdoctor web
# (README.md, "Container image", says why each flag is there.) Builds with BuildKit and
# with the classic builder alike; the classic one runs every stage in order.
ARG BUILD_BASE=debian:12
ARG RUNTIME_BASE=debian:12-slim

# ---- build: compile and package as a .deb, whose Depends name the runtime libraries -----
FROM ${BUILD_BASE} AS build
# Or a .deb made before (cpack -G DEB), given as its path in the build context: nothing is
# compiled and this stage runs no apt (the tests build the image offline so).
ARG PREBUILT_DEB=
COPY . /src
RUN set -eu; \
    mkdir -p /out; \
    if [ -n "$PREBUILT_DEB" ]; then cp "/src/$PREBUILT_DEB" /out/docknetdoctor.deb; exit 0; fi; \
    /src/scripts/setup.sh --build; \
    cmake -S /src -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDND_BUILD_TESTS=OFF >/dev/null; \
    cmake --build /build -j"$(nproc)"; \
    cpack -G DEB -B /build/package --config /build/CPackConfig.cmake; \
    cp /build/package/docknetdoctor_*.deb /out/docknetdoctor.deb

# ---- runtime: the slim base, the runtime libraries, the binary and its man page ----------
FROM ${RUNTIME_BASE}
# Slim images leave man pages out (their /etc/dpkg/dpkg.cfg.d/docker); this one is kept
# (read after that file, so it wins).
RUN echo 'path-include=/usr/share/man/man1/docknetdoctor.1.gz' >/etc/dpkg/dpkg.cfg.d/docknetdoctor
COPY --from=build /out/docknetdoctor.deb /tmp/docknetdoctor.deb
# apt resolves the .deb's Depends. A base that holds the libraries already needs no package
# index, so the offline tests' base works without a network.
RUN set -eu; \
    export DEBIAN_FRONTEND=noninteractive; \
    if ! apt-get install -y -qq --no-install-recommends /tmp/docknetdoctor.deb >/dev/null 2>&1; then \
      apt-get update -qq; \
      apt-get install -y -qq --no-install-recommends /tmp/docknetdoctor.deb; \
    fi; \
    rm -rf /tmp/docknetdoctor.deb /var/lib/apt/lists/*
LABEL org.opencontainers.image.title="docknetdoctor" \
      org.opencontainers.image.description="explain why a Docker container's port cannot be reached"
ENTRYPOINT ["docknetdoctor"]
