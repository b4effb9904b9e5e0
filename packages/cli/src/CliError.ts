/** A failure the CLI reports as one line (`hotpatch: <reason>`) with a non-zero exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  /** Extra lines printed after the reason (e.g. every rejection reason of an upload). */
  readonly details: string[];

  constructor(message: string, options: { exitCode?: number; details?: string[] } = {}) {
    super(message);
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? 1;
    this.details = options.details ?? [];
  }
}
