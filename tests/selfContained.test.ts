import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository root, from packages/local/src. */
const ROOT = path.resolve(__dirname, '..');
const SKIPPED = new Set(['node_modules', 'dist', '.git', 'artifacts', 'coverage', '.hotpatch']);
const TEXT = /\.(ts|js|json|md|yaml|yml|sh|example)$|^run$/;

function textFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return textFiles(full);
    return TEXT.test(entry.name) && entry.name !== 'package-lock.json' ? [full] : [];
  });
}

const files = textFiles(ROOT).map((file) => ({ file: path.relative(ROOT, file), text: readFileSync(file, 'utf8') }));

describe('a clone of the repository needs nothing beside it', () => {
  it('refers to no folder outside the repository (background notes, design pages, fixtures)', () => {
    // Spelled in pieces so that this test does not find itself.
    const outside = new RegExp(['\\.\\./shared', 'shared/(reference|fixtures)', 'DESIGN\\.md', 'STYLE\\.md'].join('|'));
    const offenders = files
      .filter(({ text }) => outside.test(text))
      .map(({ file, text }) => `${file}: ${outside.exec(text)![0]}`);
    expect(offenders).toEqual([]);
  });

  it('cites only docs and fixtures that exist in the repository', () => {
    const cited = files.flatMap(({ file, text }) =>
      [...text.matchAll(/\b((?:docs|fixtures)\/[A-Za-z0-9_/.-]+\.(?:md|json))/g)].map((match) => ({
        file,
        cited: match[1]!,
      })),
    );
    expect(cited.length).toBeGreaterThan(10);
    // A path is resolved from the repository root, or from the citing file's folder (relative Markdown links).
    const missing = cited.filter(
      ({ file, cited }) =>
        !existsSync(path.join(ROOT, cited)) && !existsSync(path.join(ROOT, path.dirname(file), cited)),
    );
    expect(missing).toEqual([]);
  });
});
