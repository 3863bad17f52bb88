# One image per llmmon Node app (an exporter, the agent, the simulator), built from the Nx
# workspace:
#   docker build -f infra/docker/node-app.Dockerfile --build-arg APP=system-exporter -t llmmon/system-exporter .
# Offline-capable: npm reads only the registry (or the mirror npm_config_registry names), and
# native packages (better-sqlite3) compile in the build stage, which has python3, make, g++ and
# Node's headers (NODE_HEADERS) so node-gyp downloads nothing. Behind a TLS-inspecting proxy,
# hand npm the proxy's CA bundle as a build secret (never a layer):
#   docker build --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt …
# The final image holds the app's bundle and only the packages that bundle requires
# (tools/build/runtime-modules.mjs), runs as `node`, and checks its own /ready
# (`main.js healthcheck`, at the PORT it was started with).
ARG BUILD_IMAGE=node:20-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# The workspace's package manifests alone: the dependency layer below is rebuilt only when a
# manifest or the lockfile changes, not on every code change.
FROM ${BUILD_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests && cp package.json package-lock.json /manifests/ \
 && find apps libs plugins tools infra -name package.json -not -path '*/node_modules/*' \
      -exec cp --parents {} /manifests/ \;

FROM ${BUILD_IMAGE} AS deps
ARG NODE_HEADERS=/usr/local
# An npm mirror for hosts without the public registry (air-gapped GPU servers).
ARG npm_config_registry=https://registry.npmjs.org/
ENV npm_config_nodedir=${NODE_HEADERS} NX_DAEMON=false NX_NO_CLOUD=true
WORKDIR /workspace
COPY --from=manifests /manifests/ ./
RUN --mount=type=secret,id=ca,required=false \
    if [ -s /run/secrets/ca ]; then export npm_config_cafile=/run/secrets/ca; fi \
 && npm ci --no-audit --no-fund --loglevel=error

# Every app at once, before APP is read: the images of one revision share this stage, so
# building all of them bundles once.
FROM deps AS build
COPY . .
RUN npx nx run-many -t build --projects=tag:type:app --outputStyle=static \
 && for app in dist/apps/*/; do node tools/build/runtime-modules.mjs "$app"; done
ARG APP
RUN test -n "${APP}" -a -f "dist/apps/${APP}/main.js" \
 || { echo "build with --build-arg APP=<app>, one of: $(ls dist/apps | xargs)" >&2; exit 2; }

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# A cache directory the app user owns: a named volume mounted here starts with that owner.
RUN mkdir -p /var/cache/llmmon && chown node:node /var/cache/llmmon
ARG APP
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="llmmon-${APP}" \
      org.opencontainers.image.description="llmmon ${APP}: monitoring for on-premise LLM servers" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="https://github.com/llmmon/llmmon" \
      org.opencontainers.image.licenses="MIT"
COPY --from=build /workspace/dist/apps/${APP}/ ./
USER node
# Ready: the first collection finished and the upstreams it needs answered.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["./main.js", "healthcheck"]
# main.js carries its Node flags in its shebang (see tools/build/esbuild-app.mjs).
ENTRYPOINT ["./main.js"]
