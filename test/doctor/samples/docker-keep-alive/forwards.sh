#!/bin/sh
# A daemon, a trap that stops it, and a keep-alive the trap can interrupt: stops cleanly.
trap 'nginx -s quit; exit 0' TERM
nginx
while true; do
  tail -f /dev/null & wait $!
done
