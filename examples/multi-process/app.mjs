// One of the two apps of the container: the founding article's demo program
// (a Go binary there), which prints "Start ..." and, on SIGTERM, its shutdown
// lines. Started twice, as `node app.mjs web` and `node app.mjs worker`; each
// must get SIGTERM and finish its shutdown before the container ends.
const name = process.argv[2] ?? 'app';
const keepAlive = setInterval(() => {}, 1 << 30);
process.on('SIGTERM', () => {
  console.log(`receive system signal: terminated`);
  // A real app flushes, closes connections, finishes its current job here.
  setTimeout(() => {
    clearInterval(keepAlive);
    console.log(`Shutdown ~ (${name})`);
  }, 200);
});
// Last, once the handler is in place: a SIGTERM right after this line is handled.
console.log('Start ...');
