#!/bin/sh
# The article's case 3 script, but with no init in front of it.
trap 'stop' TERM HUP INT

stop() {
    pid=$(pgrep -f go-test)
    kill -15 $pid
}

./go-test
