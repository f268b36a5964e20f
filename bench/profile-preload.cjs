// For profiling usher, never loaded by it: node --cpu-prof -r ./bench/profile-preload.cjs bin/usher run -f FILE
// V8's CPU profiler samples with SIGPROF, which usher would catch and forward
// like any other signal (its listener replaces the profiler's handler, and the
// profile comes out empty). This drops usher's SIGPROF listener. With
// USHER_PROFILE_MEMORY_MS=N it also writes, N ms after start, what usher holds
// (process.memoryUsage, V8's heap spaces, RSS by kind, the modules loaded) to
// USHER_PROFILE_MEMORY_FILE (default usher-memory.txt); the timer does not keep usher up.
'use strict';
const on = process.on;
process.on = function (name, listener) {
  return name === 'SIGPROF' ? this : on.call(this, name, listener);
};
const after = Number(process.env.USHER_PROFILE_MEMORY_MS || 0);
if (after > 0) {
  setTimeout(() => {
    const fs = require('node:fs');
    const v8 = require('node:v8');
    const mb = (n) => (n / 1048576).toFixed(1);
    const lines = [JSON.stringify(process.memoryUsage())];
    for (const s of v8.getHeapSpaceStatistics()) {
      if (s.physical_space_size > 0) lines.push(`${s.space_name}: used ${mb(s.space_used_size)} MB, resident ${mb(s.physical_space_size)} MB`);
    }
    lines.push(...fs.readFileSync('/proc/self/status', 'utf8').split('\n').filter((l) => /^(VmRSS|RssAnon|RssFile|Threads)/.test(l)));
    lines.push(`threads: ${fs.readdirSync('/proc/self/task').length}`);
    lines.push(...Object.keys(require.cache), ...process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')));
    fs.writeFileSync(process.env.USHER_PROFILE_MEMORY_FILE || 'usher-memory.txt', lines.join('\n') + '\n');
  }, after).unref();
}
