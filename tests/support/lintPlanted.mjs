// Lints source text as if it stood at a path of the repository, with the repository's ESLint configuration
// (type information off, so the file need not exist). Used by tests/houseRules.test.ts, which cannot load
// ESLint's ES-module configuration inside jest. Usage: node lintPlanted.mjs <repo-relative path> < source
import { ESLint } from 'eslint';
import { join } from 'node:path';
import tseslint from 'typescript-eslint';

const repoRoot = join(import.meta.dirname, '../..');
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const eslint = new ESLint({
  cwd: repoRoot,
  overrideConfig: [
    {
      files: ['**/*.ts'],
      languageOptions: { parserOptions: { projectService: false, project: null } },
      rules: tseslint.configs.disableTypeChecked.rules,
    },
  ],
});
const [result] = await eslint.lintText(Buffer.concat(chunks).toString('utf8'), {
  filePath: join(repoRoot, process.argv[2]),
});
process.stdout.write(JSON.stringify(result.messages.map(({ ruleId, message }) => ({ ruleId, message }))));
