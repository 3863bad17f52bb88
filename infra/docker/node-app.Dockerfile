# One image per llmmon Node app, built from the Nx workspace:
#   docker build -f infra/docker/node-app.Dockerfile --build-arg APP=system-exporter .
# The app is an esbuild bundle (workspace libs inside); only third-party runtime packages
# (prom-client, koa, pino, …) are copied next to it.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /workspace
COPY . .
RUN npm ci --no-audit --no-fund
ARG APP
RUN NX_DAEMON=false NX_NO_CLOUD=true npx nx build "${APP}" --outputStyle=static \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ARG APP
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /workspace/node_modules ./node_modules
COPY --from=build /workspace/dist/apps/${APP}/ ./
# A cache directory the app user owns: a named volume mounted here starts with that owner.
RUN mkdir -p /var/cache/llmmon && chown node:node /var/cache/llmmon
USER node
# main.js carries its Node flags in its shebang (see tools/build/esbuild-app.mjs).
ENTRYPOINT ["./main.js"]
