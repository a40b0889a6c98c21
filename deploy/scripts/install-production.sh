#!/bin/sh
# Lays out the runtime of the image in a folder: production dependencies only (from the lock file), and
# the built output: the six services' bundle, and the migrations entry with the shared library it
# imports. Usage: install-production.sh <built repository> <empty target folder>. The Dockerfile and the
# running-stack test (deploy/test) both run it.
set -eu
source_root=$(CDPATH='' cd -- "$1" && pwd)
target=$2
mkdir -p "$target"
target=$(CDPATH='' cd -- "$target" && pwd)
packages='shared services/intake services/project-sync services/facility-sync services/user-sync services/mapping-sync services/status deploy'

cp "$source_root/package.json" "$source_root/package-lock.json" "$target/"
for package in $packages; do
  mkdir -p "$target/$package"
  cp "$source_root/$package/package.json" "$target/$package/"
done
# Only the runtime workspaces: the development stack and benchmarks (and their dependencies) stay out.
node -e '
  const fs = require("node:fs");
  const file = process.argv[1];
  const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  manifest.workspaces = ["shared", "services/*", "deploy"];
  delete manifest.devDependencies;
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
' "$target/package.json"
(cd "$target" && npm install --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error)

cp -R "$source_root/shared/dist" "$target/shared/dist"
cp -R "$source_root/deploy/dist" "$target/deploy/dist"
# The services run from their bundle, which resolves the schemas and migrations below from this layout.
mkdir -p "$target/dist"
cp -R "$source_root/dist/services" "$target/dist/services"
cp -R "$source_root/shared/schemas" "$source_root/shared/migrations" "$target/shared/"
cp "$source_root/deploy/docker-entrypoint.sh" "$target/deploy/"
chmod 755 "$target/deploy/docker-entrypoint.sh"
