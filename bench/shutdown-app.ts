// One HTTP server stopped by one graceful-shutdown library, each wired the
// way its README shows, with the same deadline (8 s) and no readiness delay:
// the app of `npm run bench -- --libraries`. argv[2] names the library.
// Prints {"event":"listening","port":N} and {"event":"slow-start"} on stdout.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const DEADLINE_MS = 8_000;
const WORK_BODY = 'usher-shutdown-fixture:'.padEnd(2048, '0123456789abcdef');

function emit(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://bench');
  if (url.pathname === '/work') {
    setTimeout(() => res.end(WORK_BODY), Math.floor(Math.random() * 5));
  } else if (url.pathname === '/slow') {
    const ms = Number(url.searchParams.get('ms') ?? '1500');
    emit('slow-start', { ms });
    setTimeout(() => res.end(`slow:${ms}`), ms);
  } else {
    res.statusCode = 404;
    res.end();
  }
});

const closeServer = (): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

async function wire(library: string): Promise<void> {
  switch (library) {
    case 'usher-shutdown': {
      const { createLifecycle } = await import('../src/shutdown/index.js');
      createLifecycle({ deadline: DEADLINE_MS }).attachServer(server);
      return;
    }
    case 'node server.close()': {
      process.once('SIGTERM', () => void closeServer().then(() => process.exit(0)));
      return;
    }
    case '@godaddy/terminus': {
      const { createTerminus } = await import('@godaddy/terminus');
      createTerminus(server, { signals: ['SIGTERM'], timeout: DEADLINE_MS, onSignal: async () => undefined });
      return;
    }
    case 'http-terminator': {
      const { createHttpTerminator } = await import('http-terminator');
      const terminator = createHttpTerminator({ server, gracefulTerminationTimeout: DEADLINE_MS });
      process.once('SIGTERM', () => void terminator.terminate().then(() => process.exit(0)));
      return;
    }
    case 'stoppable': {
      const { default: stoppable } = await import('stoppable');
      const stoppableServer = stoppable(server, DEADLINE_MS);
      process.once('SIGTERM', () => stoppableServer.stop(() => process.exit(0)));
      return;
    }
    case 'close-with-grace': {
      const { default: closeWithGrace } = await import('close-with-grace');
      closeWithGrace({ delay: DEADLINE_MS }, async () => closeServer());
      return;
    }
    case 'lightship': {
      // CommonJS whose named export Node's loader does not see.
      const module = await import('lightship') as unknown as { default: typeof import('lightship') };
      const { createLightship } = module.default;
      const lightship = await createLightship({
        detectKubernetes: false, port: 0, shutdownDelay: 0, gracefulShutdownTimeout: DEADLINE_MS, shutdownHandlerTimeout: DEADLINE_MS,
      });
      lightship.registerShutdownHandler(closeServer);
      server.once('listening', () => lightship.signalReady());
      return;
    }
    default:
      throw new Error(`unknown library ${library}`);
  }
}

if (process.env['USHER_BENCH_LIBRARY_APP'] === '1') {
  const library = process.argv[2] ?? '';
  wire(library).then(() => {
    server.listen(0, '127.0.0.1', () => emit('listening', { port: (server.address() as AddressInfo).port }));
  }, (error: unknown) => {
    process.stderr.write(`bench app: ${String(error)}\n`);
    process.exit(70);
  });
}
