/**
 * pino logger with the CLI's four levels, on stderr so stdout stays the progress and summary:
 * human lines on a terminal, JSON lines otherwise (a file, a pipe, a log shipper), as pino users
 * expect; HFT_LOG_FORMAT=pretty|json chooses explicitly (workers inherit main's choice).
 */
import pino, { type Logger } from 'pino';
import { prettyLogStream } from './pretty-log-stream.js';

/** The CLI's log levels (--log-level, system.log_level). */
export const LOG_LEVELS = ['quiet', 'normal', 'verbose', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const PINO_LEVEL: Record<LogLevel, pino.Level> = {
  quiet: 'warn',
  normal: 'info',
  verbose: 'debug',
  debug: 'trace',
};

/**
 * Paths pino blanks out, so secrets never reach a log line: each secret's key at the top level
 * and up to two levels down (pino's wildcards match one level each; `apiKey` is the Finnhub key
 * in the pipeline settings, `authorization` a request header).
 */
const SECRET_KEYS = ['secrets', 'finnhub_api_key', 'admin_token', 'apiKey', 'token', 'authorization'];
export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export type LogFormat = 'pretty' | 'json';

/** HFT_LOG_FORMAT when set, else pretty on a terminal and JSON elsewhere. */
export function logFormat(
  env: NodeJS.ProcessEnv = process.env,
  isTty = process.stderr.isTTY === true,
): LogFormat {
  const f = env.HFT_LOG_FORMAT;
  if (f === 'pretty' || f === 'json') return f;
  return isTty ? 'pretty' : 'json';
}

function defaultDestination(): pino.DestinationStream {
  return logFormat() === 'pretty' ? prettyLogStream() : pino.destination(2);
}

export function createLogger(
  level: LogLevel,
  destination: pino.DestinationStream = defaultDestination(),
): Logger {
  return pino({ level: PINO_LEVEL[level], base: { app: 'hft' }, redact: REDACT_PATHS }, destination);
}

export type { Logger };
