import { runCli } from '../runCli';

/** What one `hotpatch` run printed and returned, as a user would see it; `json` is stdout parsed, when it parses. */
export interface HotpatchRun {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

/** Runs `hotpatch <args>` in process with the given environment, capturing its output and exit code. */
export async function runHotpatch(env: Record<string, string>, args: string[]): Promise<HotpatchRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env,
  });
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    json = undefined;
  }
  return { code, stdout, stderr, json };
}
