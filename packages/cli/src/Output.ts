/** Where a command writes: human lines, or one JSON document with `--json`. */
export interface Output {
  json: boolean;
  /** A human line (suppressed with --json). */
  line(text: string): void;
  /** The command's result: printed as JSON with --json, else through `human`. */
  result(value: unknown, human: () => void): void;
  /** Progress on a terminal only: nothing on a pipe or with --json. */
  progress(fraction: number, label: string): void;
  write(text: string): void;
}

export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

export function createOutput(io: CliIo, json: boolean): Output {
  return {
    json,
    line(text) {
      if (!json) io.stdout.write(`${text}\n`);
    },
    result(value, human) {
      if (json) io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else human();
    },
    progress(fraction, label) {
      if (json || !io.stderr.isTTY) return;
      const width = 30;
      const filled = Math.round(fraction * width);
      io.stderr.write(`\r${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${Math.round(fraction * 100)}%`);
      if (fraction >= 1) io.stderr.write('\n');
    },
    write(text) {
      io.stdout.write(text);
    },
  };
}
