/**
 * The house rules of `npm run lint` are real: each tool fails on a violation planted for it. The planted files
 * go to the tools on standard input (ESLint, Prettier) or into a temporary workspace (knip), never into the
 * repository. The tools run as child processes, as `npm run lint` runs them.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const repoRoot = join(__dirname, '..');
const run = promisify(execFile);

/** Runs a node script with `input` on its standard input; resolves its exit code and standard output. */
function runWithInput(args: string[], input: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
    child.stdin.end(input);
  });
}

async function importViolations(filePath: string, code: string): Promise<string[]> {
  const { stdout } = await runWithInput([join(__dirname, 'support/lintPlanted.mjs'), filePath], code);
  const messages = JSON.parse(stdout) as { ruleId: string | null; message: string }[];
  return messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries (each package README "May import")', () => {
  it('refuses core importing common or a node module', async () => {
    const messages = await importViolations(
      'packages/core/src/planted.ts',
      "import { createMemoryStore } from '@hotpatch/common';\nimport { readFile } from 'node:fs';\nexport const planted = [createMemoryStore, readFile];\n",
    );
    expect(messages).toEqual([expect.stringContaining('core imports nothing'), expect.stringContaining('no node:*')]);
  });

  it('refuses a function importing another function, and common importing a function', async () => {
    const fromFunction = await importViolations(
      'packages/getLatestBundle/src/planted.ts',
      "import { handler } from '@hotpatch/publish-bundle';\nexport const planted = handler;\n",
    );
    const fromCommon = await importViolations(
      'packages/common/src/planted.ts',
      "import { handler } from '@hotpatch/upload-bundle';\nexport const planted = handler;\n",
    );
    expect(fromFunction).toEqual([expect.stringContaining('function package')]);
    expect(fromCommon).toEqual([expect.stringContaining('function package')]);
  });

  it('lets the local stack import the function packages it runs', async () => {
    const messages = await importViolations(
      'packages/local/src/planted.ts',
      "import { handler } from '@hotpatch/publish-bundle';\nexport const planted = handler;\n",
    );
    expect(messages).toEqual([]);
  });
});

describe('formatting (Prettier, width 120)', () => {
  const prettierBin = join(repoRoot, 'node_modules/prettier/bin/prettier.cjs');
  const format = (source: string) =>
    runWithInput([prettierBin, '--stdin-filepath', 'packages/core/src/planted.ts'], source);

  it('rewrites a 300-character line, and leaves the rewritten code alone', async () => {
    const longLine = `export const planted = [${Array.from({ length: 40 }, (_, i) => `'item${i}'`).join(', ')}];\n`;
    expect(longLine.length).toBeGreaterThan(300);
    const formatted = await format(longLine);
    expect(formatted.stdout).not.toBe(longLine);
    expect(Math.max(...formatted.stdout.split('\n').map((line) => line.length))).toBeLessThanOrEqual(120);
    expect((await format(formatted.stdout)).stdout).toBe(formatted.stdout);
  });

  it('keeps a 110-character line whole (the width is 120, not the default 80)', async () => {
    const line = `export const planted = '${'x'.repeat(110 - "export const planted = '';".length)}';\n`;
    expect(line.length).toBe(111);
    expect((await format(line)).stdout).toBe(line);
  });
});

describe('unused code (knip)', () => {
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'hotpatch-knip-'));
    await mkdir(join(workspace, 'src'));
    await writeFile(
      join(workspace, 'package.json'),
      JSON.stringify({ name: 'planted', private: true, main: 'src/index.ts' }),
    );
    await writeFile(join(workspace, 'tsconfig.json'), JSON.stringify({ include: ['src'] }));
    await writeFile(join(workspace, 'src/index.ts'), "import { used } from './helpers';\nexport const api = used;\n");
    await writeFile(join(workspace, 'src/helpers.ts'), 'export const used = 1;\nexport const plantedUnused = 2;\n');
  });
  afterAll(() => rm(workspace, { recursive: true, force: true }));

  it('fails on an unused export and names it', async () => {
    const knip = join(repoRoot, 'node_modules/knip/bin/knip.js');
    const outcome = await run(process.execPath, [knip, '--directory', workspace, '--no-progress'], {
      cwd: workspace,
    }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    expect(outcome.code).not.toBe(0);
    expect(outcome.stdout).toContain('plantedUnused');
    expect(outcome.stdout).not.toMatch(/^used\b/m);
  });
});
