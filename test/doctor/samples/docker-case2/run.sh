#!/bin/sh
echo "starting"
./go-test
