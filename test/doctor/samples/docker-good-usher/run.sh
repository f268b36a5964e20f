#!/bin/sh
# No exec, no trap: fine under usher, which signals the whole process group.
node server.js
