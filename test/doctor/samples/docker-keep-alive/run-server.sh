#!/bin/sh
# No trap: the server in the foreground, then an idle loop "to keep the container up".
cd /opt/app
./server 8080
while true; do sleep 60; done
