import OSS from 'ali-oss';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yauzl from 'yauzl';
import { computePackageHash, rolloutBucket } from '@hotpatch/core';
import { makeZip } from '@hotpatch/upload-bundle/testing';
import type { LocalStack } from './createLocalStack';
import { DEV_CREDENTIALS } from './loadLocalStackSettings';
import { callManagement } from './testing/callManagement';
import { startTestStack } from './testing';

/** The acquisition SDKs exactly as react-native-code-push ships them: 4.2.3 (RN 9) and 2.0.7 (RN ≤ 5.6). */
interface RemotePackage {
  deploymentKey: string;
  description: string;
  label: string;
  appVersion: string;
  isMandatory: boolean;
  packageHash: string;
  packageSize: number;
  downloadUrl: string;
}
interface Manager {
  queryUpdateWithCurrentPackage(
    current: object,
    callback: (
      error: Error | null,
      result: RemotePackage | { updateAppVersion: true; appVersion: string } | null,
    ) => void,
  ): void;
  reportStatusDeploy(
    pkg: object | null,
    status: string | null,
    previousLabelOrAppVersion: string | null,
    previousDeploymentKey: string | null,
    callback: (error: Error | null) => void,
  ): void;
  reportStatusDownload(pkg: object, callback: (error: Error | null) => void): void;
}
interface Sdk {
  AcquisitionManager: new (requester: object, configuration: object) => Manager;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk4 = require('code-push/script/acquisition-sdk') as Sdk;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk2 = require('code-push-legacy/script/acquisition-sdk') as Sdk;

const VERBS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'OPTIONS', 'CONNECT', 'PATCH'];
/** What react-native-code-push's request-fetch-adapter sends (docs/protocols/codepush.md §1, §8). */
const rnRequester = {
  request(verb: number, url: string, bodyOrCallback: unknown, maybeCallback?: unknown): void {
    const callback = (typeof bodyOrCallback === 'function' ? bodyOrCallback : maybeCallback) as (
      error: Error | null,
      response?: { statusCode: number; body: string },
    ) => void;
    const body = typeof bodyOrCallback === 'function' ? null : (bodyOrCallback as string);
    fetch(url, {
      method: VERBS[verb]!,
      body,
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/json',
        'X-CodePush-Plugin-Name': 'react-native-code-push',
        'X-CodePush-Plugin-Version': '9.0.1',
        'X-CodePush-SDK-Version': '4.2.3',
      },
    }).then(
      async (response) => callback(null, { statusCode: response.status, body: await response.text() }),
      (error: Error) => callback(error),
    );
  },
};

let stack: LocalStack;
let keys: { staging: string; production: string };
const work = mkdtempSync(path.join(tmpdir(), 'hotpatch-codepush-'));

const manager = (sdk: Sdk, deploymentKey: string, appVersion = '1.0.0', clientUniqueId = 'device-1'): Manager =>
  new sdk.AcquisitionManager(rnRequester, { serverUrl: stack.apiUrl, deploymentKey, appVersion, clientUniqueId });
const query = (m: Manager, current: object) =>
  new Promise<RemotePackage | { updateAppVersion: true; appVersion: string } | null>((resolve, reject) =>
    m.queryUpdateWithCurrentPackage(current, (error, result) => (error ? reject(error) : resolve(result))),
  );
const reportDeploy = (
  m: Manager,
  pkg: object | null,
  status: string | null,
  previous: string | null,
  previousKey: string | null,
) =>
  new Promise<void>((resolve, reject) =>
    m.reportStatusDeploy(pkg, status, previous, previousKey, (error) => (error ? reject(error) : resolve())),
  );
const reportDownload = (m: Manager, pkg: object) =>
  new Promise<void>((resolve, reject) => m.reportStatusDownload(pkg, (error) => (error ? reject(error) : resolve())));

/** A signed publishBundle call, as the CLI makes it. */
const manage = (method: string, urlPath: string, body?: unknown): Promise<any> =>
  callManagement(stack.apiUrl, method, urlPath, body);

const files = {
  v1: {
    'CodePush/index.android.bundle': 'bundle v1',
    'CodePush/assets/logo.png': 'logo',
    'CodePush/assets/old.png': 'old image',
  },
  v2: {
    'CodePush/index.android.bundle': 'bundle v2',
    'CodePush/assets/logo.png': 'logo',
    'CodePush/assets/new.png': 'new image',
  },
  v3: {
    'CodePush/index.android.bundle': 'bundle v3 '.repeat(50),
    'CodePush/assets/logo.png': 'logo',
    'CodePush/assets/new.png': 'new image',
  },
};
const sha256 = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');
const hashOfFiles = (set: Record<string, string>) =>
  computePackageHash(Object.entries(set).map(([file, content]) => ({ path: file, sha256: sha256(content) })));
const sizes: Record<string, number> = {};
/** SHA-256 of each uploaded zip: the address of its stored bytes. */
const zipSha256: Record<string, string> = {};

async function upload(name: keyof typeof files, meta: Record<string, string>): Promise<void> {
  const zip = await makeZip(files[name]);
  sizes[name] = zip.length;
  zipSha256[name] = sha256(zip);
  await new OSS({ endpoint: stack.ossUrl, bucket: 'hotpatch', ...DEV_CREDENTIALS }).put(
    `uploads/rnapp/android/${name}.zip`,
    zip,
    { meta } as unknown as OSS.PutObjectOptions,
  );
  await stack.triggers.idle();
}

beforeAll(async () => {
  stack = await startTestStack({ functionEnv: { HOTPATCH_CATALOG_TTL_SECONDS: '0' } });
  const app = await stack.registry.create({ name: 'rnapp', platforms: ['android', 'ios'] });
  keys = {
    staging: app.channels.staging!.deploymentKeys.android!,
    production: app.channels.production!.deploymentKeys.android!,
  };
  await upload('v1', { target: '1.0.x', description: 'first' });
  await upload('v2', { target: '1.0.x', description: 'second', mandatory: 'true' });
  await upload('v3', { target: '1.0.x', description: 'third' });
});

afterAll(async () => {
  await stack.close();
  rmSync(work, { recursive: true, force: true });
});

describe('code-push@4.2.3 (react-native-code-push 9) against hotpatch', () => {
  it('offers a fresh binary the newest release, mandatory from a skipped mandatory one, echoing its app version', async () => {
    const update = await query(manager(sdk4, keys.staging), { appVersion: '1.0.0' });
    expect(update).toEqual({
      deploymentKey: keys.staging,
      description: 'third',
      label: 'v3',
      appVersion: '1.0.0',
      isMandatory: true,
      packageHash: hashOfFiles(files.v3),
      packageSize: sizes.v3,
      downloadUrl: expect.stringContaining('/package.zip'),
    });
  });

  it('echoes the app version string exactly as sent, even one it had to normalise (the echo rule)', async () => {
    expect(await query(manager(sdk4, keys.staging, '1.0'), { appVersion: '1.0' })).toMatchObject({
      label: 'v3',
      appVersion: '1.0',
    });
    expect(await query(manager(sdk4, keys.staging, '1.0.2'), { appVersion: '1.0.2' })).toMatchObject({
      label: 'v3',
      appVersion: '1.0.2',
    });
  });

  it('serves a client on v2 the diff from its package, not mandatory', async () => {
    const update = (await query(manager(sdk4, keys.staging), {
      appVersion: '1.0.0',
      label: 'v2',
      packageHash: hashOfFiles(files.v2),
    })) as RemotePackage;
    expect(update).toMatchObject({ label: 'v3', isMandatory: false, packageHash: hashOfFiles(files.v3) });
    expect(update.downloadUrl).toContain(`/diffs/${zipSha256.v3}/${hashOfFiles(files.v2)}.zip`);
    expect(update.packageSize).toBeLessThan(sizes.v3!);
  });

  it('answers null to a client on the newest release, and asks an older binary to update from the store', async () => {
    expect(
      await query(manager(sdk4, keys.staging), {
        appVersion: '1.0.0',
        label: 'v3',
        packageHash: hashOfFiles(files.v3),
      }),
    ).toBeNull();
    expect(await query(manager(sdk4, keys.staging, '0.9.0'), { appVersion: '0.9.0' })).toEqual({
      updateAppVersion: true,
      appVersion: '1.0.x',
    });
    expect(await query(manager(sdk4, keys.staging, '2.0.0'), { appVersion: '2.0.0' })).toBeNull();
  });

  it('refuses an unknown key with 404 and a bad version with 400, as the SDK reports them', async () => {
    await expect(query(manager(sdk4, 'no-such-deployment-key'), { appVersion: '1.0.0' })).rejects.toThrow(/^404: /);
    await expect(query(manager(sdk4, keys.staging, 'one'), { appVersion: 'one' })).rejects.toThrow(
      /^400: .*binary version that conforms to the semver standard/,
    );
    await expect(query(manager(sdk4, 'bad key!'), { appVersion: '1.0.0' })).rejects.toThrow(
      /^400: .*valid deployment key/,
    );
  });

  it('lets a diff applied the way the client applies it reproduce the package hash', async () => {
    const update = (await query(manager(sdk4, keys.staging), {
      appVersion: '1.0.0',
      label: 'v1',
      packageHash: hashOfFiles(files.v1),
    })) as RemotePackage;
    expect(update.downloadUrl).toContain('/diffs/');
    const installed = path.join(work, 'installed-v1');
    await unzipTo(
      Buffer.from(await (await fetch(`${stack.ossUrl}/hotpatch/packages/${zipSha256.v1}/package.zip`)).arrayBuffer()),
      installed,
    );
    const response = await fetch(update.downloadUrl);
    expect(response.headers.get('content-length')).toBe(String(update.packageSize));
    const unzipped = path.join(work, 'diff-v1-v3');
    await unzipTo(Buffer.from(await response.arrayBuffer()), unzipped);
    const manifest = JSON.parse(readFileSync(path.join(unzipped, 'hotcodepush.json'), 'utf8'));
    expect(manifest).toEqual({ deletedFiles: ['CodePush/assets/old.png'] });

    // Copy the installed package, delete deletedFiles, overlay the diff (react-native-code-push's steps).
    const merged = path.join(work, 'merged');
    cpSync(installed, merged, { recursive: true });
    for (const file of manifest.deletedFiles) rmSync(path.join(merged, file));
    rmSync(path.join(unzipped, 'hotcodepush.json'));
    cpSync(unzipped, merged, { recursive: true });
    expect(folderHash(merged)).toBe(update.packageHash);
    expect(readdirSync(path.join(unzipped, 'CodePush', 'assets')).sort()).toEqual(['new.png']);
  });

  it('stops offering a disabled release, without its mandatory flag', async () => {
    await manage('PATCH', '/v1/apps/rnapp/android/staging/releases/v3', { disabled: true });
    expect(await query(manager(sdk4, keys.staging), { appVersion: '1.0.0' })).toMatchObject({
      label: 'v2',
      isMandatory: true,
    });
    expect(
      await query(manager(sdk4, keys.staging), {
        appVersion: '1.0.0',
        label: 'v2',
        packageHash: hashOfFiles(files.v2),
      }),
    ).toBeNull();
    await manage('PATCH', '/v1/apps/rnapp/android/staging/releases/v3', { disabled: false });
  });

  it('rolls out by CodePush cohort: selected clients get the release, the others the last full one', async () => {
    await manage('POST', '/v1/apps/rnapp/android/staging/promote', { to: 'production', label: 'v1' });
    const promoted = await manage('POST', '/v1/apps/rnapp/android/staging/promote', {
      to: 'production',
      label: 'v3',
      rollout: 30,
    });
    const label: string = promoted.release.label;
    for (let index = 0; index < 60; index += 1) {
      const clientId = `phone-${index}`;
      const update = await query(manager(sdk4, keys.production, '1.0.0', clientId), {
        appVersion: '1.0.0',
        label: 'v1',
        packageHash: hashOfFiles(files.v1),
      });
      if (rolloutBucket(clientId, label) < 30)
        expect(update).toMatchObject({ label, packageHash: hashOfFiles(files.v3) });
      else expect(update).toBeNull();
    }
  });
});

describe('code-push@2.0.7 (the legacy camelCase dialect) against hotpatch', () => {
  it('checks through /updateCheck with the same selection and the echo rule', async () => {
    expect(await query(manager(sdk2, keys.staging, '1.0'), { appVersion: '1.0' })).toMatchObject({
      label: 'v3',
      appVersion: '1.0',
      isMandatory: true,
      packageHash: hashOfFiles(files.v3),
    });
    expect(
      await query(manager(sdk2, keys.staging), {
        appVersion: '1.0.0',
        label: 'v3',
        packageHash: hashOfFiles(files.v3),
      }),
    ).toBeNull();
    expect(await query(manager(sdk2, keys.staging, '0.9.0'), { appVersion: '0.9.0' })).toEqual({
      updateAppVersion: true,
      appVersion: '1.0.x',
    });
  });

  it('reports deploys and downloads through /reportStatus', async () => {
    await reportDeploy(
      manager(sdk2, keys.staging),
      { appVersion: '1.0.0', label: 'v2', packageHash: hashOfFiles(files.v2) },
      'DeploymentFailed',
      null,
      null,
    );
    await reportDownload(manager(sdk2, keys.staging), { label: 'v2' });
    expect((await manage('GET', '/v1/apps/rnapp/android/staging/metrics')).metrics.v2).toMatchObject({
      failed: 1,
      downloaded: 1,
    });
  });
});

describe('CodePush status reports and metrics', () => {
  it('counts all of 200 concurrent deploy reports, and moves "active" from the previous release', async () => {
    const reports = Array.from({ length: 200 }, (_, index) =>
      reportDeploy(
        manager(sdk4, keys.production, '1.0.0', `device-${index}`),
        { appVersion: '1.0.0', label: 'v1', packageHash: hashOfFiles(files.v1) },
        'DeploymentSucceeded',
        '1.0.0',
        keys.production,
      ),
    );
    await Promise.all(reports);
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        reportDownload(manager(sdk4, keys.production, '1.0.0', `device-${index}`), { label: 'v1' }),
      ),
    );
    // 420 reports: more than a read adds unfolded, so they count once the timer has folded them.
    await stack.runTimer();
    const { metrics } = await manage('GET', '/v1/apps/rnapp/android/production/metrics');
    expect(metrics.v1).toEqual({ active: 200, installed: 200, downloaded: 20, failed: 0 });
    expect(metrics['1.0.0']).toEqual({ active: -200 });
  });

  it('accepts a binary report and refuses a malformed one with 400', async () => {
    await expect(
      reportDeploy(manager(sdk4, keys.production, '1.2.0', 'device-x'), null, null, '1.1.0', keys.production),
    ).resolves.toBeUndefined();
    const response = await fetch(`${stack.apiUrl}/v0.1/public/codepush/report_status/deploy`, {
      method: 'POST',
      body: '{"deployment_key":"x"}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(response.status).toBe(400);
  });
});

describe('anonymous status reports are capped and must name what exists', () => {
  const post = async (route: string, body: string | object) => {
    const response = await fetch(`${stack.apiUrl}${route}`, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'Content-Type': 'application/json' },
    });
    return { status: response.status, body: await response.text() };
  };
  const storedReports = async () => (await stack.oss.store('hotpatch').list({ prefix: 'metrics/' })).objects.length;
  const DEPLOY = ['/v0.1/public/codepush/report_status/deploy', '/reportStatus/deploy'];
  const DOWNLOAD = ['/v0.1/public/codepush/report_status/download', '/reportStatus/download'];

  it('refuses a 7 MB report with 413 and a JSON error, storing nothing', async () => {
    const before = await storedReports();
    for (const route of [DEPLOY[0]!, DOWNLOAD[1]!]) {
      const answer = await post(route, {
        deployment_key: keys.staging,
        app_version: '1.0.0',
        label: 'x'.repeat(7 * 1024 * 1024),
      });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toEqual({
        error: { code: 'PayloadTooLarge', message: 'request body is larger than 4096 bytes' },
      });
    }
    expect(
      await post(DEPLOY[0]!, {
        deployment_key: keys.staging,
        app_version: '1.0.0',
        client_unique_id: 'x'.repeat(4100),
      }),
    ).toMatchObject({ status: 413 });
    expect(await storedReports()).toBe(before);
  });

  it.each([
    [
      'an unknown deployment key',
      { deployment_key: 'no-such-deployment-key', app_version: '1.0.0' },
      'Deployment key not found',
    ],
    [
      'a label the deployment does not have',
      { deployment_key: '<staging>', app_version: '1.0.0', label: 'v99', status: 'DeploymentSucceeded' },
      'no release labelled "v99"',
    ],
    ['an app version that does not parse', { deployment_key: '<staging>', app_version: 'one' }, 'valid appVersion'],
    [
      'a previous state that is neither a label nor a version',
      {
        deployment_key: '<staging>',
        app_version: '1.0.0',
        previous_label_or_app_version: 'v99',
        previous_deployment_key: '<staging>',
      },
      'neither a release label',
    ],
    [
      '__proto__ as label',
      { deployment_key: '<staging>', app_version: '1.0.0', label: '__proto__', status: 'DeploymentSucceeded' },
      'no release labelled',
    ],
    ['constructor as app version', { deployment_key: '<staging>', app_version: 'constructor' }, 'valid appVersion'],
    [
      'hasOwnProperty as previous label',
      { deployment_key: '<staging>', app_version: '1.0.0', previous_label_or_app_version: 'hasOwnProperty' },
      'neither a release label',
    ],
    ['a JSON array', [1, 2], 'JSON object'],
    ['not JSON', 'label=v1', 'not valid JSON'],
  ])('refuses a deploy report with %s (400, nothing stored)', async (_name, body, message) => {
    const before = await storedReports();
    const text = typeof body === 'string' ? body : JSON.stringify(body).replaceAll('<staging>', keys.staging);
    for (const route of DEPLOY) {
      const answer = await post(route, text);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body).error.message).toContain(message);
    }
    expect(await storedReports()).toBe(before);
    expect(({} as Record<string, unknown>).active).toBeUndefined();
  });

  it('refuses a download report for an unknown key or label (400, nothing stored)', async () => {
    const before = await storedReports();
    for (const route of DOWNLOAD) {
      expect(await post(route, { deployment_key: 'no-such-deployment-key', label: 'v1' })).toMatchObject({
        status: 400,
      });
      expect(await post(route, { deployment_key: keys.staging, label: 'v99' })).toMatchObject({ status: 400 });
      expect(await post(route, { deployment_key: keys.staging, label: 'constructor' })).toMatchObject({ status: 400 });
    }
    await expect(reportDownload(manager(sdk4, keys.staging), { label: 'v99' })).rejects.toThrow();
    expect(await storedReports()).toBe(before);
  });

  it('counts a report whose previous key no longer resolves, without the previous decrement', async () => {
    const before = await storedReports();
    await reportDeploy(
      manager(sdk4, keys.staging, '1.0.0', 'device-rotated'),
      { appVersion: '1.0.0', label: 'v1', packageHash: hashOfFiles(files.v1) },
      'DeploymentSucceeded',
      'v1',
      'rotated-away-deployment-key',
    );
    expect(await storedReports()).toBe(before + 1);
  });
});

async function unzipTo(zip: Buffer, directory: string): Promise<void> {
  mkdirSync(directory, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error) return reject(error);
      archive.on('entry', (entry: yauzl.Entry) => {
        const target = path.join(directory, entry.fileName);
        if (entry.fileName.endsWith('/')) {
          mkdirSync(target, { recursive: true });
          return archive.readEntry();
        }
        archive.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            mkdirSync(path.dirname(target), { recursive: true });
            writeFileSync(target, Buffer.concat(chunks));
            archive.readEntry();
          });
        });
      });
      archive.on('end', resolve);
      archive.readEntry();
    });
  });
}

/** The package hash of an installed folder, as the client's verifyFolderHash computes it. */
function folderHash(directory: string): string {
  const found: { path: string; sha256: string }[] = [];
  const walk = (relative: string): void => {
    for (const name of readdirSync(path.join(directory, relative))) {
      const child = relative ? `${relative}/${name}` : name;
      if (statSync(path.join(directory, child)).isDirectory()) walk(child);
      else found.push({ path: child, sha256: sha256(readFileSync(path.join(directory, child))) });
    }
  };
  walk('');
  return computePackageHash(found);
}
