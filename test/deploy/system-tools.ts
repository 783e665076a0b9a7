/** Finds the Debian tools the monitoring tests drive; each test skips, saying why, when one is absent. */
import { spawnSync } from 'node:child_process';

/** The absolute path of `name` on PATH (or a fixed path), or null. */
export function findTool(name: string): string | null {
  if (name.startsWith('/')) return spawnSync('test', ['-x', name]).status === 0 ? name : null;
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : null;
}

export function missingToolNote(tool: string, pkg: string): string {
  return `${tool} is not installed: apt-get install -y --no-install-recommends ${pkg} (.ci/run does)`;
}
