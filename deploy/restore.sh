#!/bin/sh
# deploy/restore.sh DIR: restore a backup of deploy/backup.sh into a NEW database named
# PGDATABASE (created here; it must not exist) and its photos into
# PROPERTYDESK_DATA_DIR/media (docs/deploy.md, "Backups and restore").
#
# One transaction: a restore that fails leaves an empty database, never half of one.
# Owners and grants are not restored: the restoring role owns everything, so a backup
# restores on another server under another role.
set -eu
dir=$1
media=${PROPERTYDESK_DATA_DIR:-var}/media
createdb "$PGDATABASE"
pg_restore --dbname="$PGDATABASE" --no-owner --no-privileges --exit-on-error \
    --single-transaction "$dir/database.dump"
mkdir -p "$media"
tar -C "$media" -xzf "$dir/media.tar.gz"
