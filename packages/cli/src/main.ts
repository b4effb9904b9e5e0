import { runCli } from './runCli';

// runCli reports every failure itself and resolves the exit code; it never rejects.
void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
);
