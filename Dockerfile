# hft-router daemon image: `docker compose up` runs it next to Prometheus and Grafana.
# Build stage: full install (the `prepare` script compiles TypeScript to dist/).
FROM node:20-bookworm-slim AS build
WORKDIR /app
# onnxruntime-node's install script would download a CUDA provider; the CPU binaries ship in it.
ENV ONNXRUNTIME_NODE_INSTALL=skip
# A C compiler for the native clock (native/monotonic-clock.c; the Node headers ship in this image).
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
COPY bench ./bench
COPY native ./native
COPY scripts/build-native-clock.mjs ./scripts/
RUN npm run build

# Runtime stage: production dependencies, the compiled daemon and its config.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/build ./build
COPY bin ./bin
COPY config ./config
# The trained models the daemon serves: the latency forecaster and the dqn/ppo routing policies.
COPY models ./models
COPY deploy/hft-docker.yaml ./deploy/hft-docker.yaml
RUN mkdir -p /app/reports && chown -R node:node /app/reports
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:8080/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# A trading day per run; compose restarts the container when a run ends. Reports go to /app/reports.
ENTRYPOINT ["node", "bin/hft.js", "run", "--config", "deploy/hft-docker.yaml", "--skip-backtest"]
CMD ["--mode", "production", "--duration", "86400"]
