# The Benchling webhook back end: one image, two commands (`serve --no-worker`, `worker`).
# The CLI is TypeScript run through tsx (a runtime dependency), so there is no build step.

FROM node:22-slim AS deps
WORKDIR /app
COPY package.json package-lock.json* ./
# Production dependencies only. Install scripts stay off: nothing needed here runs one
# (esbuild, under tsx, finds its platform binary without its postinstall).
RUN if [ -f package-lock.json ]; then npm ci --omit=dev --ignore-scripts; \
    else npm install --omit=dev --ignore-scripts; fi \
 && npm cache clean --force

FROM node:22-slim
ENV NODE_ENV=production \
    PORT=8080
WORKDIR /app
# Everything stays owned by root and read-only to the app's user.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
# uid 1000: the task definition's `user` says the same.
USER node
EXPOSE 8080
# No curl in slim images: node's own fetch asks the process whether it is alive.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "bin/benchling-webhook.js"]
CMD ["serve"]
