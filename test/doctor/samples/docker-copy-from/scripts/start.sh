#!/bin/sh
set -e
echo "starting on port ${PORT:-3000}"
node /app/dist/server.js
