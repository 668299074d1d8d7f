# One image for every Perch app; APP picks which one runs (ingestor, classifier, router, gateway, x-simulator, perch).
# Production images run on the current Node LTS; the code also runs on Node >= 20.19.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci's postinstall applies patches/ (patch-package): kafkajs' request-queue fix (ADR 46).
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The four distributed apps run with the runtime settings of tools/runtime/app-runtime.env (run-app.sh).
COPY tools/runtime ./tools/runtime
ARG APP=perch
ENV APP=${APP}
USER node
CMD ["sh", "-c", "case ${APP} in ingestor|classifier|router|gateway) exec sh tools/runtime/run-app.sh ${APP};; *) exec node dist/apps/${APP}/src/main.js;; esac"]
