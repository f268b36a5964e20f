// Reads usher.yaml, a Procfile or an env file, which may be anything a path
// can name: a FIFO (a plain read waits forever for a writer), /dev/zero (no
// end), a huge or a binary file. Only a regular file is read, at most
// LIMITS.fileBytes of it, and its text must be UTF-8 without NUL bytes.
//
// Synchronous on purpose: nothing else runs while usher reads its config, and
// node:fs/promises would start libuv's four threads in PID 1 for good (about
// 1 MB of its memory) for a few small files.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { LIMITS, formatBytes } from './limits.js';

export type ReadResult =
  | { ok: true; text: string }
  | {
      ok: false;
      /** ENOENT and the like when the file could not be opened. */
      code?: string;
      /** Where in the file (1-based); 0 when it is about the file as a whole. */
      line: number;
      column: number;
      /** What is wrong, without the "expected": each caller knows what it expected. */
      why: string;
    };

export async function readTextFile(path: string): Promise<ReadResult> {
  return readTextFileSync(path);
}

function readTextFileSync(path: string): ReadResult {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer; it is refused just after.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    return openFailure(e as NodeJS.ErrnoException);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return whole(`is ${kindOf(stats)}, not a regular file`);
    const tooBig = `is larger than ${formatBytes(LIMITS.fileBytes)}, usher's limit for a file it reads`;
    if (stats.size > LIMITS.fileBytes) return whole(tooBig);
    // The size said may be wrong (a file in /proc says 0, a file may grow): read
    // up to one byte past the limit to know, in a buffer that grows as needed.
    const cap = LIMITS.fileBytes + 1;
    let buffer = Buffer.allocUnsafe(Math.min(cap, Math.max(stats.size + 1, 64 * 1024)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length === cap) break;
        const bigger = Buffer.allocUnsafe(Math.min(cap, buffer.length * 2));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > LIMITS.fileBytes) return whole(tooBig);
    return decode(buffer.subarray(0, length));
  } catch (e) {
    return openFailure(e as NodeJS.ErrnoException);
  } finally {
    try {
      closeSync(fd);
    } catch {
      // nothing to release
    }
  }
}

function decode(bytes: Buffer): ReadResult {
  const text = bytes.toString('utf8');
  const nul = text.indexOf('\0');
  if (nul >= 0) return { ok: false, ...positionIn(text, nul), why: 'holds a NUL byte (a binary file?)' };
  if (!isUtf8(bytes)) {
    // The decoder put U+FFFD where the bytes were not UTF-8.
    return { ok: false, ...positionIn(text, Math.max(0, text.indexOf('\uFFFD'))), why: 'is not UTF-8 text (a binary file?)' };
  }
  return { ok: true, text };
}

function positionIn(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: index - lineStart + 1 };
}

function whole(why: string): ReadResult {
  return { ok: false, line: 0, column: 0, why };
}

function openFailure(e: NodeJS.ErrnoException): ReadResult {
  const code = e.code;
  const why =
    code === 'ENOENT' ? 'does not exist'
    : code === 'EISDIR' ? 'is a directory, not a regular file'
    : code === 'ENXIO' ? 'is a socket, not a regular file'
    : `cannot be read (${code ?? e.message})`;
  return { ok: false, ...(code !== undefined ? { code } : {}), line: 0, column: 0, why };
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}
