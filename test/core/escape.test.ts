// escapeControl: what keeps a command line or a reason on its one log line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeControl } from '../../src/core/escape.js';

test('newlines, carriage returns, tabs, ESC, other C0 and C1 controls and DEL are written as escapes', () => {
  assert.equal(escapeControl('worker\nusher | app: pid 1 exited'), 'worker\\nusher | app: pid 1 exited');
  assert.equal(escapeControl('a\rb\tc\x1b[31md\x00e\x07f\x7fg\x9bh'), 'a\\rb\\tc\\x1b[31md\\x00e\\x07f\\x7fg\\x9bh');
});

test('Unicode line separators and bidirectional overrides are escaped too; other text is left as it is', () => {
  assert.equal(escapeControl('a\u2028b\u2029c\u202ed\u2066e'), 'a\\u2028b\\u2029c\\u202ed\\u2066e');
  const plain = 'node server.js --name "café" \\n €1 日本';
  assert.equal(escapeControl(plain), plain, 'printable text, a backslash included, is unchanged');
  assert.equal(escapeControl(''), '');
});
