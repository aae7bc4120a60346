# crashwatch in a container (compose.yaml runs a cluster of them).
#
#   docker build -t crashwatch .
#   docker run --rm crashwatch crashwatch --help
#
# Stage 1 installs exactly what scripts/install-deps.sh installs (the script
# itself, so the two cannot drift) and builds with scripts/build.sh.
FROM debian:bookworm AS build
COPY scripts/install-deps.sh /src/scripts/install-deps.sh
RUN /src/scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . /src
WORKDIR /src
RUN rm -rf build && BUILD_TYPE=RelWithDebInfo ./scripts/build.sh \
    && strip -o /crashwatch build/crashwatch

# Stage 2: the binary and the shared libraries it links (ldd of
# build/crashwatch mapped to Debian packages; their dependencies come along),
# run as the unprivileged user crashwatch, state under /data.
FROM debian:bookworm
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
       libcaf-core0.17 libcaf-io0.17 libboost-json1.81.0 librdkafka1 \
       libsqlite3-0 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /crashwatch /usr/local/bin/crashwatch
RUN useradd --system --create-home --home-dir /home/crashwatch --shell /usr/sbin/nologin crashwatch \
    && mkdir -p /data && chown crashwatch:crashwatch /data
# A named volume mounted on /data starts as a copy of this directory, owned
# by crashwatch.
VOLUME /data
USER crashwatch
WORKDIR /data
# Cluster nodes listen here (compose.yaml); the embedded broker on 9092.
EXPOSE 7000 9092
CMD ["crashwatch", "--help"]
