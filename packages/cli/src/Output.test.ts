import { createOutput } from './Output';

function capture(isTTY: boolean) {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      stdout: { write: (text: string) => (stdout += text), isTTY },
      stderr: { write: (text: string) => (stderr += text), isTTY },
    },
    out: () => stdout,
    err: () => stderr,
  };
}

describe('createOutput', () => {
  it('draws a progress bar on a terminal', () => {
    const terminal = capture(true);
    const output = createOutput(terminal.io, false);
    output.progress(0.5, 'uploading');
    output.progress(1, 'uploading');
    expect(terminal.err()).toBe(
      `\ruploading [${'#'.repeat(15)}${' '.repeat(15)}] 50%\ruploading [${'#'.repeat(30)}] 100%\n`,
    );
  });

  it('prints nothing for progress on a pipe or with --json', () => {
    const pipe = capture(false);
    createOutput(pipe.io, false).progress(0.5, 'uploading');
    const json = capture(true);
    createOutput(json.io, true).progress(0.5, 'uploading');
    expect(pipe.err() + json.err()).toBe('');
  });

  it('prints the result as JSON with --json and as lines otherwise', () => {
    const human = capture(false);
    const output = createOutput(human.io, false);
    output.result({ a: 1 }, () => output.line('one line'));
    const json = capture(false);
    const jsonOutput = createOutput(json.io, true);
    jsonOutput.result({ a: 1 }, () => jsonOutput.line('one line'));
    expect(human.out()).toBe('one line\n');
    expect(JSON.parse(json.out())).toEqual({ a: 1 });
  });
});
