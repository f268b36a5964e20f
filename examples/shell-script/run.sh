#!/bin/sh
# The seed's case 2, unchanged: a script that starts the app and passes no
# signal on. As PID 1 it ignores `docker stop`, and the app is SIGKILLed at the
# deadline. Under usher it needs no trap: usher signals the whole process group.
node app.mjs
