#!/bin/sh
# Compiles what the image runs to each package's dist/: shared and the six services through the
# repository's build (turbo, which reuses its cache when nothing changed), and the migrations entry.
# The Dockerfile's build stage and the running-stack test (deploy/test) both run this, so they build alike.
set -eu
cd "$(dirname "$0")/../.."

node node_modules/typescript/bin/tsc -p deploy/tsconfig.build.json &
deploy_build=$!
services_status=0
node_modules/.bin/turbo run build --filter='./services/*' --output-logs=errors-only || services_status=$?
deploy_status=0
wait "$deploy_build" || deploy_status=$?
[ "$services_status" -eq 0 ] && [ "$deploy_status" -eq 0 ]
