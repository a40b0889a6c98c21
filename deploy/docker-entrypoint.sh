#!/bin/sh
# Starts one of the pipeline's services, or applies the database migrations, from the one image.
# The name comes from the first argument or, without one, from SERVICE.
set -eu

app_root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
name=${1:-${SERVICE:-}}
# --report-exclude-env: a crash report (read by the next process to charge the message it was handling)
# must not hold the environment's secrets. The bundles' source maps are not enabled by default: reading
# them costs a service about half a second at every start; NODE_OPTIONS=--enable-source-maps turns them on.
# DEP0169: libraries in the bundle (the schema registry client's HTTP layer, follow-redirects) call url.parse()
# on configured URLs; Node warns about that only for code outside node_modules, which bundled code is.
node_flags='--disable-warning=DEP0169 --report-exclude-env'

case "$name" in
  intake | project-sync | facility-sync | user-sync | mapping-sync | status)
    exec node $node_flags "$app_root/dist/services/$name.js"
    ;;
  migrate)
    exec node $node_flags "$app_root/deploy/dist/migrate.js"
    ;;
  '')
    echo 'campaign-pipeline: name a service (argument or SERVICE): intake, project-sync, facility-sync, user-sync, mapping-sync, status, or migrate' >&2
    exit 64
    ;;
  *)
    echo "campaign-pipeline: unknown service '$name'; expected intake, project-sync, facility-sync, user-sync, mapping-sync, status, or migrate" >&2
    exit 64
    ;;
esac
