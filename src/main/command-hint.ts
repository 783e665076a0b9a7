/**
 * A word where a subcommand goes that names none (`hft bactest`): commander would read it as an
 * argument of the default `run` and answer "too many arguments"; this names the command meant.
 */
import { UsageError } from '../core/errors.js';

/** Edit distance (insertions, deletions, substitutions, adjacent swaps). */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** Throws a UsageError naming the closest command when `word` is not one of `commands`. */
export function checkCommandWord(word: string | undefined, commands: readonly string[]): void {
  if (word === undefined || word.startsWith('-') || commands.includes(word)) return;
  const best = [...commands].sort((a, b) => editDistance(word, a) - editDistance(word, b))[0];
  const near = best !== undefined && editDistance(word, best) <= Math.max(2, Math.floor(best.length / 3));
  const hint = near ? ` (did you mean ${best}?)` : '';
  throw new UsageError(`unknown command "${word}"${hint}; commands: ${commands.join(', ')}; hft --help`);
}
