/** pino logger with the CLI's four levels; JSON lines on stderr so stdout stays human-readable. */
import pino, { type Logger } from 'pino';

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

export function createLogger(
  level: LogLevel,
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return pino({ level: PINO_LEVEL[level], base: { app: 'hft' }, redact: REDACT_PATHS }, destination);
}

export type { Logger };
