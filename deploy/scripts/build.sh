#!/bin/sh
# Builds what the image runs: the six services bundled into dist/services (bundle-services.ts), and the
# migrations entry compiled to deploy/dist with the shared library it imports (shared/dist, through the
# repository's build: turbo, which reuses its cache when nothing changed).
# The Dockerfile's build stage and the running-stack test (deploy/test) both run this, so they build alike.
set -eu
cd "$(dirname "$0")/../.."

node deploy/scripts/bundle-services.ts &
bundle=$!
node node_modules/typescript/bin/tsc -p deploy/tsconfig.build.json &
deploy_build=$!
shared_status=0
node_modules/.bin/turbo run build --filter=@campaign-pipeline/shared --output-logs=errors-only || shared_status=$?
bundle_status=0
wait "$bundle" || bundle_status=$?
deploy_status=0
wait "$deploy_build" || deploy_status=$?
[ "$shared_status" -eq 0 ] && [ "$bundle_status" -eq 0 ] && [ "$deploy_status" -eq 0 ]
