# Production image for saas-app. One image runs every process:
#   web     node dist/src/main.js            (default CMD)
#   worker  node dist/src/worker.js
#   CLI     node dist/src/cli.js <command>   (also on PATH as `saas-cli`), e.g. `db migrate`
#
# Build:  docker build -t saas-app .
# Node 20 is the minimum supported version; to build on a newer LTS:
#         docker build --build-arg NODE_IMAGE=node:24-bookworm-slim -t saas-app .

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: all dependencies, compile TypeScript, build CSS, copy vendor JS ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency needs its install script (native parts ship as prebuilt optional packages).
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# ---- prod-deps: production dependencies only, in a clean folder ----
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 forwards SIGTERM to Node and reaps zombies (no need for `docker run --init`).
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/app/var

# Application files stay owned by root: the app user can read them but not change them.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/dist ./dist
COPY --from=build /app/public ./public
COPY --from=build /app/migrations ./migrations

# DATA_DIR is the only writable folder (embedded database and dev outbox, when those are used).
RUN mkdir -p /app/var && chown 1000:1000 /app/var \
    && printf '#!/bin/sh\nexec node /app/dist/src/cli.js "$@"\n' > /usr/local/bin/saas-cli \
    && chmod 0755 /usr/local/bin/saas-cli

# The image's `node` user, by number so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8000

# No curl in the slim image: Node's fetch checks the liveness endpoint.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/main.js"]
