import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { NotFoundError, type HttpRequest, type HttpResponse } from '@hotpatch/common';

/**
 * Where the console's built files are: beside the bundled handler in the FC artifact (scripts/build.js zips
 * them as `console/`), else the console package's build output in the workspace (the local stack and tests run
 * this file from packages/publishBundle/src or /dist).
 */
const CONSOLE_DIRECTORIES = [path.join(__dirname, 'console'), path.resolve(__dirname, '../../console/dist/web')];

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * Self only: no inline script or style, no other origin, no framing. The page talks to the API on its own
 * origin, so `connect-src 'self'` is all it needs.
 */
const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** esbuild's `[name]-[hash]` names: content-addressed, so a browser may keep them for a year. */
const HASHED_NAME = /-[A-Z0-9]{8}\.[a-z]+$/;

interface ConsoleFile {
  body: Buffer;
  contentType: string;
  etag: string;
  cacheControl: string;
}

/** Reads the built console once per instance; undefined when it was not built. */
function loadConsoleFiles(): Map<string, ConsoleFile> | undefined {
  const directory = CONSOLE_DIRECTORIES.find((candidate) => existsSync(path.join(candidate, 'index.html')));
  if (!directory) return undefined;
  const files = new Map<string, ConsoleFile>();
  for (const name of readdirSync(directory)) {
    const contentType = CONTENT_TYPES[path.extname(name)];
    if (!contentType) continue;
    const body = readFileSync(path.join(directory, name));
    files.set(name, {
      body,
      contentType,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      // index.html names the current hashed files, so browsers revalidate it on every load (a 304 when
      // unchanged); the hashed files themselves never change.
      cacheControl: HASHED_NAME.test(name) ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  }
  return files;
}

/**
 * The handler of `consoleRoutes`: `/console` redirects to `/console/`, which is index.html; `/console/<file>`
 * is a built file. Files are read from disk once, then served from memory with an ETag, the cache policy above
 * and a strict Content-Security-Policy.
 */
export function createConsoleHandler(): (request: HttpRequest) => Promise<HttpResponse> {
  let files: Map<string, ConsoleFile> | undefined;
  return async (request) => {
    if (request.path === '/console')
      return { statusCode: 301, headers: { Location: 'console/', 'Cache-Control': 'no-cache' }, body: '' };
    files ??= loadConsoleFiles();
    if (!files) throw new NotFoundError('the console is not built (npm run build, npm start and npm test build it)');
    const name = request.pathParameters.file ?? 'index.html';
    const file = files.get(name);
    if (!file) throw new NotFoundError(`no console file ${name}`);
    const headers: Record<string, string> = {
      'Content-Type': file.contentType,
      'Cache-Control': file.cacheControl,
      ETag: file.etag,
      'Content-Security-Policy': CONSOLE_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    };
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === file.etag))
      return { statusCode: 304, headers, body: '' };
    return { statusCode: 200, headers, body: file.body };
  };
}
