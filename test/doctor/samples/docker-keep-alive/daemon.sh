#!/bin/sh
# The server as a daemon, and tail on its log to keep the container running.
service nginx start
tail -f /var/log/nginx/access.log
