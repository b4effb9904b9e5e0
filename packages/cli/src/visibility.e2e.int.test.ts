import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LocalStack } from '@hotpatch/local';
import { startTestStack } from '@hotpatch/local/testing';
import { runHotpatch, type HotpatchRun } from './testing/runHotpatch';

const work = mkdtempSync(path.join(tmpdir(), 'hotpatch-visibility-'));
const stacks: LocalStack[] = [];

afterAll(async () => {
  await Promise.all(stacks.map((stack) => stack.close()));
});

const hotpatch = (stack: LocalStack, ...args: string[]): Promise<HotpatchRun> =>
  runHotpatch({ HOTPATCH_ENDPOINT: stack.apiUrl, HOTPATCH_OSS_ENDPOINT: stack.ossUrl, HOME: work }, args);

function bundleFolder(name: string, code: string): string {
  const folder = path.join(work, name, 'CodePush');
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'main.jsbundle'), code);
  return folder;
}

const deployment = ['--app', 'shop', '--platform', 'ios'];

/** release, promote, patch and rollback, each answered with the line saying when devices see it. */
async function lifeCycle(stack: LocalStack, name: string): Promise<string[]> {
  const outputs: string[] = [];
  const run = async (...args: string[]) => {
    const result = await hotpatch(stack, ...args);
    expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
    outputs.push(result.stdout);
    return result;
  };
  await hotpatch(stack, 'app', 'add', 'shop', '--platforms', 'ios');
  await run('release', bundleFolder(`${name}-1`, 'one'), ...deployment, '--target', '^1.0.0');
  await run('promote', ...deployment, '--from', 'staging', '--to', 'production', '--rollout', '20');
  await run('patch', ...deployment, '--channel', 'production', '--label', 'v1', '--rollout', '100');
  await run(
    'release',
    bundleFolder(`${name}-2`, 'two'),
    ...deployment,
    '--target',
    '^1.0.0',
    '--channel',
    'production',
  );
  await run('rollback', ...deployment, '--channel', 'production', '--label', 'v1');
  return outputs;
}

describe('after each change the CLI says when devices will see it (the delay the server reports)', () => {
  it('on the local stack: at their next check (catalog TTL 0)', async () => {
    const stack = await startTestStack({ dataDir: path.join(work, 'default') });
    stacks.push(stack);
    const outputs = await lifeCycle(stack, 'default');
    expect(outputs).toHaveLength(5);
    for (const stdout of outputs) expect(stdout).toContain('\n  visible to devices on their next check\n');
    const check = await hotpatch(
      stack,
      'check',
      ...deployment,
      '--channel',
      'production',
      '--app-version',
      '1.2.0',
      '--json',
    );
    expect(JSON.parse(check.stdout)).toMatchObject({ status: 'update', release: { label: 'v3' } });
  });

  it('with HOTPATCH_CATALOG_TTL_SECONDS set: within that many seconds, also in --json', async () => {
    const stack = await startTestStack({
      dataDir: path.join(work, 'ttl'),
      settingsEnv: { HOTPATCH_CATALOG_TTL_SECONDS: '7' },
    });
    stacks.push(stack);
    const outputs = await lifeCycle(stack, 'ttl');
    for (const stdout of outputs) expect(stdout).toContain('\n  visible to devices within 7 s\n');
    const patched = await hotpatch(
      stack,
      'patch',
      ...deployment,
      '--channel',
      'production',
      '--label',
      'v3',
      '--description',
      'same content as v1',
      '--json',
    );
    expect(JSON.parse(patched.stdout)).toMatchObject({ release: { label: 'v3' }, visibleWithinSeconds: 7 });
  });
});
