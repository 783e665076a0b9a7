/**
 * README.md and docs/: every relative link resolves to a file or folder inside the repository (a
 * clone is complete without anything beside it), anchors into markdown files name a heading there,
 * and README stays short and keeps the two commands other tools rely on.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const README_MAX_LINES = 220;

interface Link {
  /** Repository-relative path of the markdown file holding the link. */
  file: string;
  line: number;
  target: string;
}

/** README.md and every .md file under docs/, as repository-relative paths. */
function markdownFiles(): string[] {
  const found = ['README.md'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) found.push(path);
    }
  };
  if (existsSync(join(ROOT, 'docs'))) walk('docs');
  return found;
}

/** Blanks fenced code blocks and inline code spans (same length, newlines kept) so their text is not read as links. */
function withoutCode(text: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  return text
    .replace(/^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^ {0,3}\1[^\n]*$|(?![\s\S]))/gm, blank)
    .replace(/(`+)(?!`)(?:(?!\n[ \t]*\n)[\s\S])*?[^`]\1(?!`)/g, blank);
}

/** Inline links and images `[text](target "title")` and reference definitions `[id]: target`. */
function extractLinks(file: string, text: string): Link[] {
  const body = withoutCode(text);
  const lineAt = (index: number) => body.slice(0, index).split('\n').length;
  const unwrap = (target: string) => target.replace(/^<|>$/g, '');
  const links: Link[] = [];
  const inline = /!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*(<[^>\n]*>|[^\s)]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
  for (const m of body.matchAll(inline)) links.push({ file, line: lineAt(m.index), target: unwrap(m[1]) });
  for (const m of body.matchAll(/^ {0,3}\[[^\]\n]+\]:\s*(<[^>\n]*>|\S+)/gm)) {
    links.push({ file, line: lineAt(m.index), target: unwrap(m[1]) });
  }
  return links;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const original = text.split('\n');
  // Headings are found on the masked text (no fenced code), but named from the original line,
  // whose code spans are part of the heading's text.
  for (const [i, masked] of withoutCode(text).split('\n').entries()) {
    if (!/^ {0,3}#{1,6}\s/.test(masked)) continue;
    const m = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(original[i]);
    const visible = (m?.[1] ?? '').replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const slug = visible
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  for (const m of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
  return anchors;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Why `link` is broken, or null when it resolves to a file or folder inside the repository. */
function problemOf(link: Link): string | null {
  const { target } = link;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
    return /^(https?|mailto):/i.test(target) ? null : 'not a repository path or an http(s) URL';
  }
  const hash = target.indexOf('#');
  const pathPart = (hash < 0 ? target : target.slice(0, hash)).replace(/\?.*$/, '');
  const anchor = hash < 0 ? '' : decoded(target.slice(hash + 1));
  if (pathPart.startsWith('/')) return 'absolute path (use a path relative to the markdown file)';
  const abs = resolve(ROOT, dirname(link.file), decoded(pathPart));
  const inRepo = relative(ROOT, abs);
  if (inRepo === '..' || inRepo.startsWith(`..${sep}`) || isAbsolute(inRepo)) {
    return `leaves the repository (resolves to ${abs})`;
  }
  if (!existsSync(abs)) return `no such file or folder: ${inRepo}`;
  if (anchor !== '' && extname(abs) === '.md' && !headingAnchors(readFileSync(abs, 'utf8')).has(anchor)) {
    return `no heading with anchor #${anchor} in ${inRepo}`;
  }
  return null;
}

describe('documentation links', () => {
  const files = markdownFiles();

  it('reads inline links, images and reference definitions, and skips code', () => {
    const text = [
      'See [a](a.md), ![img](img/x.png "title") and [b](<b c.md#part>).',
      '`[not](inline-code.md)` and [shown](x.md)',
      '```',
      '[not](fenced.md)',
      '```',
      '[ref]: ../outside.md',
    ].join('\n');
    const targets = extractLinks('README.md', text).map((l) => `${l.line}:${l.target}`);
    expect(targets).toEqual(['1:a.md', '1:img/x.png', '1:b c.md#part', '2:x.md', '6:../outside.md']);
    expect(problemOf({ file: 'README.md', line: 6, target: '../shared/CONTRACT.md' })).toMatch(
      /leaves the repository/,
    );
    expect(problemOf({ file: 'docs/x.md', line: 1, target: 'https://example.com/a' })).toBeNull();
  });

  it('makes GitHub-style heading anchors', () => {
    const anchors = headingAnchors('# The `summary.json` file\n## Worker waiting (`system.*`)\n## A\n## A');
    expect([...anchors]).toEqual(['the-summaryjson-file', 'worker-waiting-system', 'a', 'a-1']);
  });

  it('finds README.md and the docs/ pages', () => {
    expect(files).toContain('README.md');
    expect(files.filter((f) => f.startsWith('docs'))).not.toHaveLength(0);
  });

  it('resolves every relative link to a file or folder inside the repository', () => {
    const broken = files.flatMap((file) =>
      extractLinks(file, readFileSync(join(ROOT, file), 'utf8')).flatMap((link) => {
        const problem = problemOf(link);
        return problem === null ? [] : [`${link.file}:${link.line}: (${link.target}) ${problem}`];
      }),
    );
    expect(broken, `broken links:\n${broken.join('\n')}`).toEqual([]);
  });

  it('never points at ../shared, even outside a link', () => {
    const mentions = files.flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (line.includes('../shared') ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(mentions, `mentions of ../shared:\n${mentions.join('\n')}`).toEqual([]);
  });
});

describe('README.md', () => {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\n$/, '').split('\n');

  it(`has at most ${README_MAX_LINES} lines`, () => {
    expect(lines.length, `README.md has ${lines.length} lines`).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it('keeps the two commands exactly, each on its own line', () => {
    const trimmed = lines.map((l) => l.trim());
    expect(trimmed, 'README.md must contain the line `npm install && npm start`').toContain(
      'npm install && npm start',
    );
    expect(trimmed, 'README.md must contain the line `npm test`').toContain('npm test');
  });
});
