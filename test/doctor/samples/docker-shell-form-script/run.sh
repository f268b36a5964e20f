#!/bin/bash
# Generated config, then the app: no exec.
envsubst < /etc/app/config.tmpl > /etc/app/config.yaml
/usr/local/bin/app --config /etc/app/config.yaml
