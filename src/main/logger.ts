/** pino logger with the CLI's four levels; JSON lines on stderr so stdout stays human-readable. */
import pino, { type Logger } from 'pino';
import type { LogLevel } from './config-types.js';

const PINO_LEVEL: Record<LogLevel, pino.Level> = {
  quiet: 'warn',
  normal: 'info',
  verbose: 'debug',
  debug: 'trace',
};

/** Paths pino blanks out wherever they appear, so secrets never reach a log line. */
export const REDACT_PATHS = [
  'secrets',
  '*.secrets',
  'finnhub_api_key',
  '*.finnhub_api_key',
  'admin_token',
  '*.admin_token',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
];

export function createLogger(
  level: LogLevel,
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return pino({ level: PINO_LEVEL[level], base: { app: 'hft' }, redact: REDACT_PATHS }, destination);
}

export type { Logger };
