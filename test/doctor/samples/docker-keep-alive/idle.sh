#!/bin/sh
php-fpm -D
nginx
exec tail -f /dev/null
