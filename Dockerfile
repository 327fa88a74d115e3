# The Benchling webhook back end: one image, two commands (`serve --no-worker`, `worker`).
# It runs the compiled CLI (node dist/cli/run.js) on the production dependencies alone: no
# tsx, and none of aws-cdk-lib, constructs, cdk-nag or the CDK toolkit, which only synth and
# deploy load. The build context is a clone or the installed npm package; both hold src/.

FROM node:22-slim AS build
WORKDIR /app
COPY package.json tsconfig.json tsconfig.build.json tsconfig.image.json ./
# Only the compiler, at the version package.json names: tsconfig.image.json emits the
# JavaScript without a type check, so no library's type declarations are needed.
RUN npm install --prefix /compiler --no-audit --no-fund --ignore-scripts \
      "typescript@$(node -p "require('./package.json').devDependencies.typescript")"
COPY src ./src
RUN node /compiler/node_modules/typescript/bin/tsc -p tsconfig.image.json

FROM node:22-slim AS deps
WORKDIR /app
COPY package.json package-lock.json* ./
# Production dependencies only: the peer dependencies (the CDK libraries) and the optional
# one (the CDK toolkit) serve synth and deploy, never the containers. Install scripts stay
# off: nothing the image runs needs one. (The npm package carries no lock file.)
RUN if [ -f package-lock.json ]; then npm ci --omit=dev --omit=peer --omit=optional --ignore-scripts; \
    else npm install --omit=dev --omit=peer --omit=optional --ignore-scripts; fi \
 && npm cache clean --force

FROM node:22-slim
ENV NODE_ENV=production \
    PORT=8080
WORKDIR /app
# Everything stays owned by root and read-only to the app's user.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY --from=build /app/dist ./dist
# uid 1000: the task definition's `user` says the same.
USER node
EXPOSE 8080
# No curl in slim images: node's own fetch asks the process whether it is alive.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/cli/run.js"]
CMD ["serve"]
