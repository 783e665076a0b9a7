/**
 * Human log lines for a terminal, as pino-pretty prints them: `12:04:05.123 WARN  message
 * key=value ...`. pino writes one JSON line per call; this formats it (off the hot path: the
 * main thread's and the workers' warnings, never per tick).
 */
const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
/** Fields every line carries that a person does not need to read. */
const SKIP = new Set(['level', 'time', 'msg', 'app', 'pid', 'hostname']);

function clock(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function value(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  if (v !== null && typeof v === 'object' && 'message' in v && 'stack' in v)
    return JSON.stringify((v as { message: unknown }).message);
  return JSON.stringify(v);
}

/** One JSON log line -> one human line (the JSON itself when it is not pino's). */
export function prettyLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const fields = Object.entries(rec)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${value(v)}`);
  const level = LEVELS[rec.level as number] ?? String(rec.level);
  const time = typeof rec.time === 'number' ? clock(rec.time) : '';
  return `${time} ${level} ${String(rec.msg ?? '')}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}\n`;
}

/** A pino destination that writes pretty lines to `sink` (stderr by default). */
export function prettyLogStream(sink: (line: string) => void = (l) => process.stderr.write(l)): {
  write(line: string): void;
} {
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line.length > 0) sink(prettyLine(line));
    },
  };
}
