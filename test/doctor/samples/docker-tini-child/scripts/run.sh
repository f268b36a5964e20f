#!/bin/sh
node app.mjs "$@" | tee /tmp/app.log
