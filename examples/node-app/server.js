// A small HTTP service that stops without dropping a request: run it under
// usher (see the Dockerfile) and let `docker stop` or Kubernetes stop it.
//
//   GET /                 hello
//   GET /work?ms=N        answers after N ms (a request that takes time)
//   GET /live, /ready     health, on their own port (HEALTH_PORT)
//
// On SIGTERM (passed on by usher), usher-init/shutdown fails /ready, stops
// accepting, lets requests in flight finish, closes idle keep-alive
// connections without resetting a request already on its way, then exits 0.
import http from 'node:http';
import { createLifecycle } from 'usher-init/shutdown';

const PORT = Number(process.env.PORT ?? 8080);
const HEALTH_PORT = Number(process.env.HEALTH_PORT ?? 9000);

const lifecycle = createLifecycle({
  onEvent(event) {
    if (event.type === 'shutdown-start') {
      const why = event.reason.type === 'signal' ? event.reason.signal : event.reason.type;
      console.log(`shutting down (${why})`);
    }
    if (event.type === 'shutdown-end') console.log(`stopped, exit code ${event.result.exitCode}`);
  },
});

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/work') {
    const ms = Math.min(Number(url.searchParams.get('ms') ?? 100), 10_000);
    setTimeout(() => res.end(`worked ${ms} ms\n`), ms);
    return;
  }
  res.end('hello from usher-example-node-app\n');
});

// Attach before listen: the drain tracks connections from the first one.
lifecycle.attachServer(server, { name: 'http' });
await lifecycle.startHealthServer({ port: HEALTH_PORT });
server.listen(PORT, () => {
  lifecycle.ready();
  console.log(`listening on :${PORT}, health on :${HEALTH_PORT}`);
});
