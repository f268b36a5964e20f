#!/bin/sh
set -e
if [ "${1#-}" != "$1" ]; then
  set -- node index.js "$@"
fi
exec "$@"
