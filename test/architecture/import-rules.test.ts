/**
 * The house rules of docs/architecture.md principle 1, checked on the import graph of src/ so they stay true:
 * stages never know about the CLI or about their threads, the low folders import nothing above
 * them, and no file imports itself back through a chain (type-only imports count too).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SRC = join(ROOT, 'src');

/** Folders whose code runs inside stages or below them: they must not know threads, hosting or the CLI. */
const STAGE_FOLDERS = [
  'core',
  'config',
  'shm',
  'run-state',
  'charts',
  'market',
  'ml',
  'strategies',
  'routing',
  'execution',
  'venues',
];
const HOSTING_FOLDERS = ['main', 'pipeline', 'workers', 'monitoring', 'dashboard'];
const THREAD_PACKAGES = ['node:worker_threads', 'worker_threads', 'piscina'];
/** Where thread and pool APIs may be used: the supervisor (main) and the thread entry points (workers). */
const THREAD_FOLDERS = ['main', 'workers'];
/** The lowest folders and the only folders each may import. */
const LOW_FOLDER_DEPS: Record<string, string[]> = {
  core: [],
  shm: ['core'],
  charts: [],
  config: ['core', 'shm'],
  'run-state': ['core', 'config', 'shm'],
};

interface SourceFile {
  path: string; // relative to src/, with .ts
  folder: string;
  imports: string[]; // src-relative .ts paths for local imports, package names otherwise
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return listTs(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

const IMPORT_RE =
  /(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g;

function readSources(): SourceFile[] {
  return listTs(SRC).map((abs) => {
    const text = readFileSync(abs, 'utf8');
    const imports = [...text.matchAll(IMPORT_RE)].map((m) => {
      const spec = m[1] ?? m[2] ?? m[3];
      if (!spec.startsWith('.')) return spec;
      return relative(SRC, normalize(join(dirname(abs), spec))).replace(/\.js$/, '.ts');
    });
    const path = relative(SRC, abs);
    return { path, folder: path.split('/')[0], imports };
  });
}

const isLocal = (imp: string) => imp.endsWith('.ts');
const folderOf = (imp: string) => imp.split('/')[0];

/** Strongly connected components of more than one file (Tarjan), each listed as a cycle. */
function importCycles(files: SourceFile[]): string[][] {
  const graph = new Map(files.map((f) => [f.path, f.imports.filter(isLocal)]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc);
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

function violations(files: SourceFile[], rule: (f: SourceFile, imp: string) => boolean): string[] {
  return files.flatMap((f) => f.imports.filter((imp) => rule(f, imp)).map((imp) => `${f.path} -> ${imp}`));
}

describe('import rules of src/', () => {
  const files = readSources();

  it('reads the whole tree, local imports included', () => {
    expect(files.length).toBeGreaterThan(150);
    const local = files.flatMap((f) => f.imports.filter(isLocal));
    expect(local.length).toBeGreaterThan(500);
    const missing = local.filter((imp) => !files.some((f) => f.path === imp));
    expect(missing).toEqual([]);
  });

  it('no file outside src/main imports src/main', () => {
    expect(
      violations(files, (f, imp) => f.folder !== 'main' && isLocal(imp) && folderOf(imp) === 'main'),
    ).toEqual([]);
  });

  it('stage folders import neither pipeline hosting, workers, monitoring nor the CLI', () => {
    const bad = violations(
      files,
      (f, imp) => STAGE_FOLDERS.includes(f.folder) && isLocal(imp) && HOSTING_FOLDERS.includes(folderOf(imp)),
    );
    expect(bad).toEqual([]);
  });

  it('only the supervisor and the thread entry points use worker_threads or piscina', () => {
    const bad = violations(
      files,
      (f, imp) => !THREAD_FOLDERS.includes(f.folder) && THREAD_PACKAGES.includes(imp),
    );
    expect(bad).toEqual([]);
  });

  it('the low folders import only what is below them', () => {
    const bad = violations(files, (f, imp) => {
      const allowed = LOW_FOLDER_DEPS[f.folder];
      if (allowed === undefined || !isLocal(imp)) return false;
      const to = folderOf(imp);
      return to !== f.folder && !allowed.includes(to);
    });
    expect(bad).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(importCycles(files)).toEqual([]);
  });

  it('finds a cycle when there is one (the checker is not blind)', () => {
    const fake: SourceFile[] = [
      { path: 'a/x.ts', folder: 'a', imports: ['b/y.ts'] },
      { path: 'b/y.ts', folder: 'b', imports: ['a/x.ts'] },
      { path: 'c/z.ts', folder: 'c', imports: ['a/x.ts'] },
    ];
    expect(importCycles(fake).map((c) => c.sort())).toEqual([['a/x.ts', 'b/y.ts']]);
  });
});
