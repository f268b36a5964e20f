// The log probe's line watching on its own: only the start of each line is
// matched, and a watch that is done matches nothing more. The matcher itself
// (RE2, linear time) is test/supervisor/config-errors.test.ts's business.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineWatch, MATCHED_LINE_BYTES, lineStartFeeder } from '../../src/supervisor/probes/probe.js';
import type { LinePattern } from '../../src/supervisor/types.js';

/** A pattern that records each line it is asked about (a stand-in for the matcher, which is not under test here). */
function recordingPattern(matches: (line: string) => boolean): LinePattern & { asked: string[] } {
  const asked: string[] = [];
  return { source: 'recording', asked, test: (line) => (asked.push(line), matches(line)) };
}

const piece = (text: string, continued = false) => ({ bytes: Buffer.from(text), continued });

test(`only the first ${MATCHED_LINE_BYTES} bytes of a line are matched; the rest of a long line never is`, () => {
  const pattern = recordingPattern(() => false);
  const feed = lineStartFeeder([new LineWatch(pattern)]);
  // A 64 KiB line comes in pieces (the relay's cut); the next line starts after the last piece.
  feed([piece('x'.repeat(64 * 1024), true), piece('y'.repeat(64 * 1024), true)]);
  feed([piece('tail', false), piece('next line')]);
  assert.deepEqual(pattern.asked.map((l) => `${l[0]}*${l.length}`), [`x*${MATCHED_LINE_BYTES}`, 'n*9']);
});

test('a watch that is done (a ready probe once ready) matches no more lines; stdout and stderr are fed apart', () => {
  const pattern = recordingPattern((line) => line.includes('ready'));
  const watch = new LineWatch(pattern);
  const stdout = lineStartFeeder([watch]);
  const stderr = lineStartFeeder([watch]);
  stdout([piece('starting'), piece('long', true)]);
  stderr([piece('ready')]);
  assert.ok(watch.lastMatch > 0);
  assert.deepEqual(pattern.asked, ['starting', 'long', 'ready'], "stderr's line is a line of its own while stdout's goes on");
  const matchedAt = watch.lastMatch;
  watch.done();
  assert.equal(watch.watching, false);
  stdout([piece(' end'), piece('ready again'), piece('a'.repeat(100))]);
  assert.deepEqual(pattern.asked, ['starting', 'long', 'ready'], 'nothing is matched once done');
  assert.equal(watch.lastMatch, matchedAt);
});

test('without a log probe nothing is decoded or matched', () => {
  const watch = new LineWatch(undefined);
  assert.equal(watch.watching, false);
  const feed = lineStartFeeder([watch, new LineWatch(undefined)]);
  feed([piece('anything')]);
  assert.equal(watch.lastMatch, 0);
});
