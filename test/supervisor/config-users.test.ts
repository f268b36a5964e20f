// user: resolved from the image's /etc/passwd and /etc/group (temp files here).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { load, yaml } from './config-helpers.js';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  '# a comment line',
  'node:x:1000:1000:Node:/home/node:/bin/sh',
  'app:x:1001:1001::/srv/app:/sbin/nologin',
  'broken line',
  '',
].join('\n');
const GROUP = ['root:x:0:', 'node:x:1000:', 'app:x:1001:', 'audio:x:29:node, app', 'video:x:44:other', 'staff:x:50:node', ''].join('\n');

test('user: a name gets its uid, gid, home and every group it is a member of', async (t) => {
  const config = await load(
    t,
    yaml(
      'services:',
      '  a: { command: x, user: node }',
      '  b: { command: x, user: app }',
      '  c: { command: x, user: root }',
    ),
    { files: { passwd: PASSWD, group: GROUP } },
  );
  const users = config.services.map((s) => s.user);
  assert.deepEqual(users, [
    { spec: 'node', uid: 1000, gid: 1000, groups: [1000, 29, 50], name: 'node', home: '/home/node' },
    { spec: 'app', uid: 1001, gid: 1001, groups: [1001, 29], name: 'app', home: '/srv/app' },
    { spec: 'root', uid: 0, gid: 0, groups: [0], name: 'root', home: '/root' },
  ]);
});

test('user: uid:gid, name:group, uid alone (gid 0 when not in passwd, as docker --user)', async (t) => {
  const config = await load(
    t,
    yaml(
      'services:',
      '  a: { command: x, user: "1000:1000" }',
      '  b: { command: x, user: "node:staff" }',
      '  c: { command: x, user: "4242:4343" }',
      '  d: { command: x, user: 4242 }',
      '  e: { command: x, user: "1001" }',
      '  f: { command: x, user: "app:0" }',
    ),
    { files: { passwd: PASSWD, group: GROUP } },
  );
  assert.deepEqual(
    config.services.map((s) => s.user),
    [
      // A uid found in passwd is that user (name and home for HOME/USER); an explicit group replaces its groups.
      { spec: '1000:1000', uid: 1000, gid: 1000, groups: [1000], name: 'node', home: '/home/node' },
      { spec: 'node:staff', uid: 1000, gid: 50, groups: [50], name: 'node', home: '/home/node' },
      { spec: '4242:4343', uid: 4242, gid: 4343, groups: [4343] },
      { spec: '4242', uid: 4242, gid: 0, groups: [0] },
      { spec: '1001', uid: 1001, gid: 1001, groups: [1001, 29], name: 'app', home: '/srv/app' },
      { spec: 'app:0', uid: 1001, gid: 0, groups: [0], name: 'app', home: '/srv/app' },
    ],
  );
});

test('user: numeric ids need no passwd nor group file', async (t) => {
  const config = await load(t, yaml('services:', '  a: { command: x, user: "1000:1000" }'));
  assert.deepEqual(config.services[0]?.user, { spec: '1000:1000', uid: 1000, gid: 1000, groups: [1000] });
});
