/**
 * Errors the entry point maps to exit statuses (docs/contract.md "Exit status"): 2 for anything the
 * user can fix by changing flags, environment or config files, 1 for faults at run time. The
 * messages of exit-2 errors are printed as-is, without a stack trace, so they must fit on one line.
 */

/** An invalid configuration value, wherever it came from (YAML, environment, .env, CLI flag). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly exitCode = 2;
  /** Dotted key path (`trading.max_position_size`), flag (`--duration`) or file label. */
  readonly field: string;
  readonly reason: string;

  constructor(field: string, reason: string) {
    super(`config ${field}: ${reason}`);
    this.field = field;
    this.reason = reason;
  }
}

/** Bad command-line usage; the message is the single line shown to the user. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

/** A fault while running; `context` is logged next to the message to make it diagnosable. */
export class RuntimeFault extends Error {
  override readonly name = 'RuntimeFault';
  readonly exitCode = 1;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.context = context;
  }
}
