# server-queue: one image for the API, the worker, everything at once (with TEMPORAL_ADDRESS), or the simulated panel.
#   docker build -t server-queue .
#   docker run server-queue api | worker | all | sim
# Two stages: the production dependencies are installed (and better-sqlite3 compiled) in a full Node image, and only
# they, the sources the service runs and the entry point go into the slim runtime image. Nothing here needs a dev
# dependency, the tests, the benchmarks or the engines that npm install builds for development (SERVER_QUEUE_ENGINES).
FROM node:20-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY docker/temporal/dynamicconfig.yaml ./docker/temporal/dynamicconfig.yaml
COPY sim/src ./sim/src
COPY src ./src
COPY docker/entrypoint.sh /usr/local/bin/server-queue
RUN install -d -o node -g node /data
USER node
EXPOSE 8080
ENTRYPOINT ["server-queue"]
CMD ["api"]
