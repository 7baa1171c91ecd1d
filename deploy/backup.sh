#!/bin/sh
# deploy/backup.sh DIR: a consistent dump of the database, then an archive of the
# uploaded photos, into DIR (docs/deploy.md, "Backups and restore").
#
# The database is PGDATABASE on PGHOST/PGPORT as PGUSER (password from PGPASSWORD or
# ~/.pgpass), as for psql; the photos are PROPERTYDESK_DATA_DIR/media. The dump runs in
# one snapshot while the site keeps working. The photos come second: one uploaded in
# between is an extra file, never a photo row without its file.
set -eu
dir=$1
media=${PROPERTYDESK_DATA_DIR:-var}/media
mkdir -p "$dir" "$media"
pg_dump --format=custom --file="$dir/database.dump" "$PGDATABASE"
tar -C "$media" -czf "$dir/media.tar.gz" .
