# syntax=docker/dockerfile:1
# One image for the six services and the migrations: `docker run IMAGE <service>` (or SERVICE=<service>),
# where <service> is intake, project-sync, facility-sync, user-sync, mapping-sync, status or migrate.
# deploy/test/running-stack.test.ts repeats the build and runtime steps without a container engine.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# Manifests first, so the dependency layer is rebuilt only when they change. npm ci needs every workspace's
# manifest to match the lock file.
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY services/intake/package.json services/intake/
COPY services/project-sync/package.json services/project-sync/
COPY services/facility-sync/package.json services/facility-sync/
COPY services/user-sync/package.json services/user-sync/
COPY services/mapping-sync/package.json services/mapping-sync/
COPY services/status/package.json services/status/
COPY dev/kafka/package.json dev/kafka/
COPY dev/digit/package.json dev/digit/
COPY dev/stack/package.json dev/stack/
COPY bench/package.json bench/
COPY deploy/package.json deploy/
COPY apps/release-tracker/package.json apps/release-tracker/
# The image's Node runs the compiler: no install scripts (they would download a second Node and PostgreSQL).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json turbo.json ./
COPY shared shared
COPY services services
COPY deploy deploy
RUN sh deploy/scripts/build.sh

FROM build AS runtime-files
RUN sh deploy/scripts/install-production.sh /src /app

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
RUN groupadd --system --gid 10001 pipeline \
  && useradd --system --uid 10001 --gid pipeline --no-create-home --home-dir /app pipeline
WORKDIR /app
COPY --from=runtime-files --chown=root:root /app /app
USER 10001:10001
ENTRYPOINT ["/app/deploy/docker-entrypoint.sh"]
