// The seed article's demo program (a Go binary there): prints "Start ...",
// and on SIGTERM "receive system signal: terminated" and "Shutdown ~".
const keepAlive = setInterval(() => {}, 1 << 30);
process.on('SIGTERM', () => {
  console.log('receive system signal: terminated');
  clearInterval(keepAlive);
  console.log('Shutdown ~');
});
// Last, once the handler is in place: a SIGTERM right after this line is handled.
console.log('Start ...');
