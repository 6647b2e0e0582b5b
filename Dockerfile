# server-queue: one image for the API, the worker, everything at once, or the simulated panel.
#   docker build -t server-queue .
#   docker run server-queue api | worker | all | sim
FROM node:20-bookworm AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY sim/src ./sim/src
COPY src ./src
COPY docker/entrypoint.sh /usr/local/bin/server-queue
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
ENTRYPOINT ["server-queue"]
CMD ["api"]
