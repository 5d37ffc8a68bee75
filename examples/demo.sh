#!/usr/bin/env bash
# The README tour, run for real against examples/mixed-repo (SQLite, no server needed).
set -u
cd "$(dirname "$0")/mixed-repo"
rm -f services/*/*.db
mig() { echo; echo "\$ mig $*"; node ../../bin/run.js "$@"; echo "(exit code $?)"; }
mig status
mig up --one
mig status
mig up
mig down
mig status --json --project catalog
mig log
