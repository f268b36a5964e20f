#!/bin/sh
trap 'kill -TERM "$child"; wait "$child"' TERM
./go-test &
child=$!
wait "$child"
