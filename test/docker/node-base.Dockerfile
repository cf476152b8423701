# Test-only: a local stand-in for the official Node image, where no registry is
# reachable. The Debian rootfs from ../shared/docker/up.sh plus this machine's
# own node, npm and CA bundle (the npm registry is reached through this
# network's TLS proxy), copied into the build context by the test.
FROM rehearse-test/debian-pg15-rootfs:bookworm
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY host-ca.crt /usr/local/share/host-ca.crt
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/host-ca.crt npm_config_cafile=/usr/local/share/host-ca.crt
RUN ln -s /usr/local/lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && node --version && npm --version
