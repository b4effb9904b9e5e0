import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@hotpatch/common';
import { createLocalStack, type LocalStack, type LocalStackOptions } from '../createLocalStack';
import { DEV_APP_KEY, DEV_CREDENTIALS } from '../loadLocalStackSettings';

/** The whole local stack on free ports and a fresh folder, quiet, with fast trigger retries: for tests. */
export function startTestStack(overrides: Partial<LocalStackOptions> = {}): Promise<LocalStack> {
  return createLocalStack({
    dataDir: mkdtempSync(path.join(tmpdir(), 'hotpatch-stack-')),
    port: 0,
    ossPort: 0,
    bucket: 'hotpatch',
    credentials: DEV_CREDENTIALS,
    appKey: DEV_APP_KEY,
    logger: createLogger({ service: 'local', level: 'error', write: () => undefined }),
    retryDelaysMs: [20, 40, 80],
    ...overrides,
  });
}
