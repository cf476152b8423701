# rehearse's own image for pipelines: Node, Python 3 with venv, and PostgreSQL
# (server binaries for the default local sandbox, client tools for the others).
#   docker build -t rehearse .
#   docker build --build-arg BASE=my-registry/node:22-bookworm -t rehearse .
# Teams extend it with their project's requirements (see the README).
ARG BASE=node:22-bookworm-slim

FROM ${BASE} AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY src ./src
COPY scripts/bundle.mjs ./scripts/
RUN node_modules/.bin/tsc -p tsconfig.json && node scripts/bundle.mjs && npm prune --omit=dev --no-audit --no-fund

FROM ${BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 python3-venv postgresql postgresql-client ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/rehearse
COPY package.json ./
COPY bin ./bin
COPY python ./python
COPY playbooks ./playbooks
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
RUN ln -s /opt/rehearse/bin/rehearse /usr/local/bin/rehearse \
 && useradd --create-home --uid 10001 --user-group rehearse
# PostgreSQL refuses to run as root; so does this image.
USER rehearse
WORKDIR /work
ENTRYPOINT ["rehearse"]
CMD ["--help"]
