/**
 * Counts garbage collections around a hot loop in a child process of its own (the test runner's
 * own traffic would collect too). `prelude` is module code that defines `ops`, an object of named
 * functions taking an iteration index; each runs a million times twice to warm up, then three
 * million times while collections are counted. Returns the count per name.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

/** An import specifier for a compiled module under dist/ (the child runs JavaScript). */
export function distModule(path: string): string {
  return pathToFileURL(resolve(ROOT, 'dist', path)).href;
}

export function countGcsInChild(prelude: string, nodeFlags: string[] = []): Record<string, number> {
  const script = `${prelude}
const out = {};
for (const [name, op] of Object.entries(ops)) {
  const loop = () => { for (let i = 0; i < 1e6; i++) op(i); };
  loop(); loop();
  let gcs = 0;
  const obs = new PerformanceObserver((list) => { gcs += list.getEntries().length; });
  obs.observe({ entryTypes: ['gc'] });
  loop(); loop(); loop();
  await new Promise((r) => setTimeout(r, 20));
  obs.disconnect();
  out[name] = gcs;
}
console.log(JSON.stringify(out));
`;
  const r = spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, number>;
}
