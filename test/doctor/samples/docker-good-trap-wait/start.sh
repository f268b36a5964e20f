#!/usr/bin/env bash
set -e
term() { kill -TERM "$child" 2>/dev/null; }
trap term SIGTERM
node server.js &
child=$!
wait "$child"
