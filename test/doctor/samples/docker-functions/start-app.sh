#!/bin/sh
# An app image's entrypoint: its work is done in functions, the last of which
# starts the app as the app user, but without exec.
set -e

prepare() {
	mkdir -p /data
	chown -R app:app /data
}

run_app() {
	echo "starting app"
	gosu app node /srv/server.js "$@"
}

main() {
	prepare
	run_app "$@"
}

main "$@"
