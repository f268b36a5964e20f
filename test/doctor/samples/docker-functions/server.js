require('node:http').createServer((_, res) => res.end('ok')).listen(Number(process.argv[3] ?? 8080));
