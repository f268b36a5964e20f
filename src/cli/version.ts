// usher's version: written in by the bundler, else read from package.json.
import { readFileSync } from 'node:fs';

/** Written in by the bundler (tools/single/build.ts); absent when run from build/src. */
declare const __USHER_VERSION__: string | undefined;

export function usherVersion(): string {
  if (typeof __USHER_VERSION__ === 'string') return __USHER_VERSION__;
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
