/**
 * The docs name commands, flags, environment variables and files; this keeps every one of them true.
 *
 * - every `hotpatch <command> … --flag` written in README.md, docs/**.md or packages/*\/README.md is a command
 *   and an option of the real CLI program (built in process, walked through commander), and every command
 *   and option the CLI has is named somewhere in those docs;
 * - every `HOTPATCH_*` / `ALIBABA_CLOUD_*` variable the docs name is read or set by the code (packages/*\/src,
 *   scripts, s.yaml, deploy/), and every one in the code is documented;
 * - every relative Markdown link points at a file inside the repository (and at a heading that exists).
 *
 * Each failure lists `file:line` and what is missing, so the fix is obvious from the test output alone.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import { computePackageHash } from '@hotpatch/core';
import { routes as managementRoutes } from '@hotpatch/publish-bundle/routes';
import { buildProgram } from '../packages/cli/src/runCli';

const repoRoot = path.join(__dirname, '..');
const relative = (file: string): string => path.relative(repoRoot, file).split(path.sep).join('/');

function walk(directory: string, accept: (file: string) => boolean): string[] {
  if (!existsSync(directory)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) found.push(...walk(full, accept));
    else if (accept(full)) found.push(full);
  }
  return found.sort();
}

const packageDirs = readdirSync(path.join(repoRoot, 'packages')).map((name) => path.join(repoRoot, 'packages', name));

/** The documents users read: the README, docs/ and each package's README. */
const docFiles = [
  path.join(repoRoot, 'README.md'),
  ...walk(path.join(repoRoot, 'docs'), (file) => file.endsWith('.md')),
  ...packageDirs.map((dir) => path.join(dir, 'README.md')).filter((file) => existsSync(file)),
];

/** Where the code reads (or sets) its environment: sources without their tests, scripts, deploy files. */
const codeFiles = [
  ...packageDirs.flatMap((dir) =>
    walk(path.join(dir, 'src'), (file) => file.endsWith('.ts') && !file.endsWith('.test.ts')),
  ),
  ...walk(path.join(repoRoot, 'scripts'), (file) => /\.(c|m)?js$|\.ts$/.test(file)),
  ...walk(path.join(repoRoot, 'deploy'), () => true),
  path.join(repoRoot, 's.yaml'),
].filter((file) => existsSync(file));

interface Snippet {
  file: string;
  line: number;
  text: string;
  /** Inline code on its own (`` `--dry-run` ``) rather than a line of a fenced block. */
  inline: boolean;
}

interface Doc {
  file: string;
  /** Lines outside fenced code blocks (others blanked), for links. */
  prose: string[];
  snippets: Snippet[];
}

/** Splits a document into its code (fenced lines, joined across `\` continuations, and inline code spans) and prose. */
function readDoc(file: string): Doc {
  const lines = readFileSync(file, 'utf8').split('\n');
  const prose: string[] = [];
  const snippets: Snippet[] = [];
  let fenced = false;
  let pending: Snippet | undefined;
  lines.forEach((line, index) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      prose.push('');
      return;
    }
    if (fenced) {
      prose.push('');
      const continued = /\\\s*$/.test(line);
      const text = line.replace(/\\\s*$/, ' ');
      pending = pending
        ? { ...pending, text: `${pending.text} ${text.trim()}` }
        : { file, line: index + 1, text, inline: false };
      if (!continued) {
        snippets.push(pending);
        pending = undefined;
      }
      return;
    }
    prose.push(line);
    for (const match of line.matchAll(/`([^`]+)`/g))
      snippets.push({ file, line: index + 1, text: match[1]!, inline: true });
  });
  return { file, prose, snippets };
}

const docs = docFiles.map(readDoc);
const where = (snippet: Snippet): string => `${relative(snippet.file)}:${snippet.line}`;

// ---------------------------------------------------------------------------------------------------------
// (a) commands and flags

const sink = new PassThrough();
const program = buildProgram({ stdout: sink, stderr: sink, env: {} });

const longFlags = (command: Command): string[] =>
  command.options.map((option) => option.long).filter((flag): flag is string => flag !== undefined);
const commandPath = (command: Command): string => {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent) names.unshift(current.name());
  return names.join(' ');
};
const allCommands = (command: Command): Command[] => [command, ...command.commands.flatMap(allCommands)];

/** Options a command accepts: its own, its ancestors' (the global ones), and commander's --help (--version on the root). */
function acceptedFlags(command: Command): Set<string> {
  const flags = new Set(['--help']);
  if (!command.parent) flags.add('--version');
  for (let current: Command | null = command; current; current = current.parent)
    for (const flag of longFlags(current)) flags.add(flag);
  return flags;
}

interface Invocation {
  snippet: Snippet;
  commands: Command[];
  flags: string[];
}

/**
 * Finds `hotpatch …` in a snippet: the command words after it (an unknown first word is reported; later
 * unknown words are arguments), then every `--flag` up to the end of that shell command (a comment, `&&`, `;`,
 * a pipe, a redirection or the end of a `$( … )`).
 */
function invocationsIn(snippet: Snippet, problems: string[]): Invocation[] {
  const found: Invocation[] = [];
  const segments = snippet.text.split(/\s#|&&|;|\s\|\s|\$\(|\)|\s>\s/);
  for (const segment of segments) {
    const tokens = segment.trim().split(/\s+/);
    const start = tokens.findIndex((token) => token === 'hotpatch');
    if (start < 0) continue;
    let commands: Command[] = [program];
    let index = start + 1;
    let unknown = false;
    for (; index < tokens.length; index += 1) {
      const token = tokens[index]!;
      if (!/^[a-z][a-z-]*(\\?\|[a-z][a-z-]*)*$/.test(token)) break;
      const names = token.split(/\\?\|/);
      const next = commands.flatMap((command) =>
        names.map((name) => command.commands.find((sub) => sub.name() === name || sub.aliases().includes(name))),
      );
      if (next.some((sub) => sub === undefined)) {
        if (commands.some((command) => command === program)) {
          problems.push(
            `${where(snippet)}: \`${segment.trim()}\`: hotpatch has no command "${token}" (commands: ${program.commands.map((sub) => sub.name()).join(', ')})`,
          );
          unknown = true;
        }
        break;
      }
      commands = next as Command[];
      if (commands.every((command) => command.commands.length === 0)) {
        index += 1;
        break;
      }
    }
    if (unknown) continue;
    if (
      commands.length === 1 &&
      commands[0] === program &&
      index === start + 1 &&
      !/--/.test(tokens.slice(index).join(' '))
    )
      continue;
    const flags = [
      ...tokens
        .slice(index)
        .join(' ')
        .matchAll(/(?:^|[\s[(|])(--[a-z0-9][a-z0-9-]*)/g),
    ].map((match) => match[1]!);
    found.push({ snippet, commands, flags });
  }
  return found;
}

describe('the docs and the hotpatch CLI', () => {
  const problems: string[] = [];
  const invocations = docs.flatMap((doc) => doc.snippets.flatMap((snippet) => invocationsIn(snippet, problems)));

  it('name only commands and options the CLI has', () => {
    for (const { snippet, commands, flags } of invocations) {
      for (const command of commands) {
        const accepted = acceptedFlags(command);
        for (const flag of flags)
          if (!accepted.has(flag))
            problems.push(
              `${where(snippet)}: \`${snippet.text.trim()}\`: \`${commandPath(command)}\` has no option ${flag}`,
            );
      }
    }
    // A flag in inline code on its own (`--no-wait`) must belong to some hotpatch command, or to another tool's command line in the docs.
    const cliFlags = new Set(allCommands(program).flatMap(longFlags));
    const otherToolFlags = new Set(
      docs.flatMap((doc) =>
        doc.snippets
          .filter((snippet) => !snippet.inline && !/(^|\s)hotpatch\s/.test(snippet.text))
          .flatMap((snippet) =>
            [...snippet.text.matchAll(/(?:^|\s)(--[a-z0-9][a-z0-9-]*)/g)].map((match) => match[1]!),
          ),
      ),
    );
    for (const doc of docs) {
      for (const snippet of doc.snippets) {
        const flag = /^(--[a-z0-9][a-z0-9-]*)(\s|\\?\||$)/.exec(snippet.text)?.[1];
        if (
          snippet.inline &&
          flag &&
          !cliFlags.has(flag) &&
          !otherToolFlags.has(flag) &&
          flag !== '--help' &&
          flag !== '--version'
        )
          problems.push(`${where(snippet)}: \`${snippet.text}\`: no hotpatch command has ${flag}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('document every command and option the CLI has', () => {
    const missing: string[] = [];
    for (const command of allCommands(program)) {
      if (command === program) continue;
      const invoked = invocations.filter(
        (invocation) =>
          invocation.commands.includes(command) ||
          invocation.commands.some((other) => commandPath(other).startsWith(`${commandPath(command)} `)),
      );
      if (invoked.length === 0) {
        missing.push(`\`${commandPath(command)}\` is not shown in any doc`);
        continue;
      }
      // An option counts as documented where its command is: in an invocation of it, or on its own in a doc that shows the command.
      const files = new Set(invoked.map((invocation) => invocation.snippet.file));
      const named = new Set([
        ...invoked.flatMap((invocation) => invocation.flags),
        ...docs
          .filter((doc) => files.has(doc.file))
          .flatMap((doc) =>
            doc.snippets
              .filter((snippet) => snippet.inline)
              .flatMap((snippet) => [...snippet.text.matchAll(/^(--[a-z0-9][a-z0-9-]*)/g)].map((match) => match[1]!)),
          ),
      ]);
      for (const flag of longFlags(command))
        if (!named.has(flag))
          missing.push(
            `\`${commandPath(command)} ${flag}\` is not documented (looked in ${[...files].map(relative).join(', ')})`,
          );
    }
    const globalNamed = new Set(
      docs.flatMap((doc) =>
        doc.snippets.flatMap((snippet) =>
          [...snippet.text.matchAll(/(?:^|[\s[(|])(--[a-z0-9][a-z0-9-]*)/g)].map((match) => match[1]!),
        ),
      ),
    );
    for (const flag of longFlags(program))
      if (!globalNamed.has(flag)) missing.push(`the global option ${flag} is not documented`);
    expect(missing).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// (b) environment variables

const VARIABLE = /\b((?:HOTPATCH|ALIBABA_CLOUD)_[A-Z0-9_]*[A-Z0-9])(_?\*)?/g;

function variablesIn(files: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of files) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        for (const match of line.matchAll(VARIABLE)) {
          const name = match[2] ? `${match[1]}_*` : match[1]!;
          found.set(name, [...(found.get(name) ?? []), `${relative(file)}:${index + 1}`]);
        }
      });
  }
  return found;
}

describe('the docs and the environment variables', () => {
  const inDocs = variablesIn(docFiles);
  const inCode = variablesIn(codeFiles);
  const known = (name: string, names: Map<string, string[]>): boolean =>
    name.endsWith('_*') ? [...names.keys()].some((other) => other.startsWith(name.slice(0, -1))) : names.has(name);

  it('name only variables the code reads or sets', () => {
    const unknown = [...inDocs]
      .filter(([name]) => !known(name, inCode))
      .map(
        ([name, places]) =>
          `${name} (named in ${places.join(', ')}) is not in packages/*/src, scripts, s.yaml or deploy/`,
      );
    expect(unknown).toEqual([]);
  });

  it('document every variable the code reads or sets', () => {
    const undocumented = [...inCode]
      .filter(([name]) => !name.endsWith('_*') && !inDocs.has(name))
      .map(
        ([name, places]) => `${name} (${places.slice(0, 3).join(', ')}) is not in README.md, docs/ or a package README`,
      );
    expect(undocumented).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// (c) relative links

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to `-`, `-1`, `-2` … for repeats. */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of readDoc(file).prose) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

describe('links in the docs', () => {
  it('point at files in the repository, and at headings that exist', () => {
    const broken: string[] = [];
    for (const doc of docs) {
      doc.prose.forEach((line, index) => {
        const withoutCode = line.replace(/`[^`]*`/g, (span) => (/\]\(/.test(span) ? '' : span));
        const targets = [
          ...withoutCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g),
          ...withoutCode.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/g),
        ].map((match) => match[1]!);
        for (const target of targets) {
          if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
          const at = `${relative(doc.file)}:${index + 1}: (${target})`;
          const [filePart, anchor] = target.split('#', 2) as [string, string | undefined];
          const resolved =
            filePart === '' ? doc.file : path.resolve(path.dirname(doc.file), decodeURIComponent(filePart));
          if (path.relative(repoRoot, resolved).startsWith('..')) {
            broken.push(`${at} points outside the repository`);
            continue;
          }
          if (!existsSync(resolved)) {
            broken.push(`${at}: ${relative(resolved)} does not exist`);
            continue;
          }
          if (anchor && resolved.endsWith('.md') && statSync(resolved).isFile() && !anchorsOf(resolved).has(anchor))
            broken.push(`${at}: ${relative(resolved)} has no heading #${anchor}`);
        }
      });
    }
    expect(broken).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// routes

describe('docs/management-api.md', () => {
  it('has a row for every route publishBundle serves, and none it does not', () => {
    const text = readFileSync(path.join(repoRoot, 'docs/management-api.md'), 'utf8');
    const declared = managementRoutes.map((route) => `${route.method} ${route.path}`);
    const documented = [...text.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) (\/[^`?\s]*)/gm)].map(
      (match) => `${match[1]} ${match[2]}`,
    );
    expect({
      undocumented: declared.filter((route) => !documented.includes(route)),
      unknown: documented.filter((route) => !declared.includes(route)),
    }).toEqual({ undocumented: [], unknown: [] });
  });
});

// ---------------------------------------------------------------------------------------------------------
// worked examples

describe('the package hash example in docs/check-api.md', () => {
  it('is what computePackageHash gives for its two files', () => {
    const files = { 'CodePush/main.jsbundle': 'console.log("hi")\n', 'CodePush/assets/logo.txt': 'logo\n' };
    const hash = computePackageHash(
      Object.entries(files).map(([file, text]) => ({
        path: file,
        sha256: createHash('sha256').update(text).digest('hex'),
      })),
    );
    const text = readFileSync(path.join(repoRoot, 'docs/check-api.md'), 'utf8');
    expect(text).toContain(`\`${hash}\`, is the package hash`);
    const serialized = JSON.stringify(
      Object.entries(files)
        .map(([file, body]) => `${file}:${createHash('sha256').update(body).digest('hex')}`)
        .sort(),
    );
    expect(text).toContain(`\n${serialized}\n`);
  });
});
