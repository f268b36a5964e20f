#!/bin/bash
# A trap for a clean stop, the server in the foreground, and the popular
# keep-alive loop after it (which never runs while the server does).
set -e

cleanup() {
    echo "Stopping Apache"
    apache2ctl -k graceful-stop
    exit 0
}
trap cleanup SIGTERM SIGINT

a2enmod rewrite >/dev/null
echo "ServerName ${SERVER_NAME:-localhost}" > /etc/apache2/conf-available/servername.conf

apache2ctl -D FOREGROUND

while true; do
    tail -f /dev/null & wait ${!}
done
