/**
 * The garbage-free clock read: `fill(cell)` writes CLOCK_MONOTONIC ns (process.hrtime's clock)
 * into `cell[0]`. Compiled at install from native/monotonic-clock.c (scripts/build-native-clock.mjs);
 * null when it was not built, and the clock falls back to performance.now().
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type FillMonotonicNs = (cell: Float64Array) => void;

/** The repository root: this file is src/core/ in the sources and dist/src/core/ once built. */
function rootDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

let loaded: FillMonotonicNs | null | undefined;

export function nativeMonotonicClock(): FillMonotonicNs | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.env.HFT_NATIVE_CLOCK === '0') return loaded;
  const file = join(rootDir(), 'build/native/monotonic-clock.node');
  if (!existsSync(file)) return loaded;
  try {
    const addon = createRequire(import.meta.url)(file) as { fill?: FillMonotonicNs };
    if (typeof addon.fill === 'function') loaded = addon.fill;
  } catch {
    // A binary built for another Node or platform: the fallback clock serves.
  }
  return loaded;
}
