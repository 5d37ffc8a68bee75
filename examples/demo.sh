#!/usr/bin/env bash
# The README tour, run for real against examples/mixed-repo (SQLite, no server needed).
# The workspace plugins are linked into a demo-only oclif data dir, so nothing
# of the user's own mig installation changes.
set -u
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/mixed-repo"
export XDG_DATA_HOME="$here/.mig-demo/data" XDG_CACHE_HOME="$here/.mig-demo/cache" XDG_CONFIG_HOME="$here/.mig-demo/config"
rm -f services/*/*.db services/*/*.sqlite
for plugin in knex sequelize typeorm prisma; do
  node ../../bin/run.js plugins link "../../plugins/$plugin" >/dev/null 2>&1 || { echo "linking the $plugin plugin failed (run npm run build first)"; exit 1; }
done
mig() { echo; echo "\$ mig $*"; node ../../bin/run.js "$@"; echo "(exit code $?)"; }
mig status
mig up --one
mig status
mig plan
mig up
mig down
mig down --project jobs --batch
mig status --json --project catalog
mig log
mig lint
mig verify
