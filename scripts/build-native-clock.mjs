#!/usr/bin/env node
/**
 * Compiles native/monotonic-clock.c into build/native/monotonic-clock.node with the system C
 * compiler ($CC, else cc) and the Node headers that ship with Node (no download). Never fails the
 * install: without a compiler or headers it says so in one line and the clock falls back to
 * performance.now() (src/core/native-clock.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'native/monotonic-clock.c');
const out = join(root, 'build/native/monotonic-clock.node');
const headerDirs = [
  process.env.HFT_NODE_HEADERS,
  join(dirname(process.execPath), '../include/node'),
  '/usr/include/node',
  '/usr/local/include/node',
].filter((d) => d && existsSync(join(d, 'node_api.h')));

function skip(reason) {
  console.warn(
    `hft: native clock not built (${reason}); the pipeline clock falls back to performance.now(), ` +
      'which allocates on every read (docs/benchmarks.md#garbage-per-tick)',
  );
  process.exit(0);
}

// The folder exists either way (the image copies it).
mkdirSync(dirname(out), { recursive: true });
if (headerDirs.length === 0) skip('no node_api.h: install the Node headers, or set HFT_NODE_HEADERS');
const cc = process.env.CC || 'cc';
const r = spawnSync(cc, ['-O2', '-shared', '-fPIC', `-I${headerDirs[0]}`, source, '-o', out], {
  encoding: 'utf8',
});
if (r.error) skip(`${cc}: ${r.error.message}`);
if (r.status !== 0) skip(`${cc} exited ${r.status}: ${(r.stderr || '').trim().split('\n')[0]}`);
