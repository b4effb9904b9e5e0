import { codePushUpdateInfo, decideCodePushUpdate, parseCodePushCheck } from './codePushUpdateCheck';
import {
  deployReportDeltas,
  downloadReportDeltas,
  metricDeltasToJson,
  parseDeployReport,
  parseDownloadReport,
  parseMetricDeltas,
  reportLabelProblem,
  summarizeMetrics,
} from './codePushMetrics';
import { prepareCatalog } from './prepareCatalog';
import { catalogForCase } from './testing';

const KEY = 'dep-key-0123456789';
const HOSTILE = ['__proto__', 'constructor', 'hasOwnProperty'] as const;
const catalog = prepareCatalog(
  catalogForCase(
    {
      name: 'x',
      releases: [
        { range: '1.0.0', content: '100' },
        { range: '1.0.0', content: '101' },
      ],
      request: { appVersion: '1.0.0' },
      expected: { status: 'upToDate' },
    },
    { app: 'demo', platform: 'android', channel: 'staging' },
  ),
);

/** Whatever a test did, Object.prototype must be exactly as it was. */
const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();
afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
  expect(({} as Record<string, unknown>).active).toBeUndefined();
});

describe('metrics keyed by names from anonymous reports', () => {
  it.each(HOSTILE)('counts a label or version named %s like any other, without touching Object.prototype', (name) => {
    // As stored: JSON objects, written by an older version or by hand; parsed back as own properties.
    const stored = [
      `{"${name}:Active":1,"${name}:DeploymentSucceeded":1}`,
      `{"${name}:Downloaded":2}`,
      `{"${name}:DeploymentFailed":1}`,
      '{"v1:Active":1}',
    ].map((text) => parseMetricDeltas(JSON.parse(text)));
    const metrics = summarizeMetrics(stored);
    expect(metrics.get(name)).toEqual({ active: 1 });
    expect(metrics.get('v1')).toEqual({ active: 1, downloaded: 0, installed: 0, failed: 0 });
    const body = JSON.parse(JSON.stringify({ metrics: Object.fromEntries(metrics) }));
    expect(Object.hasOwn(body.metrics, name)).toBe(true);
    expect(body.metrics[name]).toEqual({ active: 1 });
  });

  it.each(HOSTILE)('keeps a report labelled %s a label in its deltas, through storage and back', (name) => {
    const deltas = downloadReportDeltas({ deploymentKey: KEY, label: name, clientUniqueId: undefined });
    const json = JSON.parse(JSON.stringify(metricDeltasToJson(deltas)));
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
    expect([...parseMetricDeltas(json)]).toEqual([[`${name}:Downloaded`, 1]]);
  });

  it('drops stored deltas that are not finite numbers', () => {
    expect([...parseMetricDeltas({ 'v1:Active': 'NaN', 'v2:Active': 1, 'v3:Active': null })]).toEqual([
      ['v2:Active', 1],
    ]);
    expect([...parseMetricDeltas(null)]).toEqual([]);
  });
});

describe('a report must fit the deployment its key names', () => {
  it.each(HOSTILE)('refuses %s as a label, as an app version and as a previous label', (name) => {
    expect(reportLabelProblem(catalog, name)).toBe(`The deployment has no release labelled ${JSON.stringify(name)}.`);
    expect(reportLabelProblem(catalog, name, { orAppVersion: true })).toContain('neither a release label');
    expect(parseDeployReport({ app_version: name, deployment_key: KEY })).toMatchObject({ kind: 'invalid' });
  });

  it('accepts a label the deployment has, no label, and a binary version as the previous state', () => {
    expect(reportLabelProblem(catalog, 'v2')).toBeUndefined();
    expect(reportLabelProblem(catalog, undefined)).toBeUndefined();
    expect(reportLabelProblem(null, 'v1')).toContain('no release labelled "v1"');
    expect(reportLabelProblem(catalog, '1.0', { orAppVersion: true })).toBeUndefined();
    const parsed = parseDeployReport({
      app_version: '1.0.0',
      deployment_key: KEY,
      label: 'v2',
      status: 'DeploymentSucceeded',
      previous_label_or_app_version: 'v1',
    });
    expect(parsed.kind === 'ok' && [...deployReportDeltas(parsed.report).current.keys()]).toEqual([
      'v2:Active',
      'v2:DeploymentSucceeded',
    ]);
  });
});

describe('the CodePush update check with hostile package hashes', () => {
  it('refuses any parameter longer than 256 characters', () => {
    expect(
      parseCodePushCheck({ deployment_key: KEY, app_version: '1.0.0', client_unique_id: 'x'.repeat(257) }),
    ).toEqual({ kind: 'invalid', reasons: ['client_unique_id is longer than 256 characters.'] });
    expect(
      parseCodePushCheck({ deployment_key: KEY, app_version: '1.0.0', client_unique_id: 'x'.repeat(256) }),
    ).toMatchObject({ kind: 'ok' });
  });

  it.each(HOSTILE)('serves the full package to a client whose package hash is %s', (name) => {
    const parsed = parseCodePushCheck({ deployment_key: KEY, app_version: '1.0.0', package_hash: name });
    if (parsed.kind !== 'ok') throw new Error(parsed.reasons.join('; '));
    const info = codePushUpdateInfo(
      decideCodePushUpdate(catalog, parsed.request),
      parsed.request,
      (key) => `url:${key}`,
    );
    expect(info.downloadURL).toBe(`url:${catalog.releases[1]!.release.contentKey}`);
    expect(info.packageSize).toBe(catalog.releases[1]!.release.size);
  });
});

describe('CodePush status reports', () => {
  it('turns a success into active + installed and moves active off the previous release', () => {
    const parsed = parseDeployReport({
      app_version: '1.0.0',
      deployment_key: KEY,
      client_unique_id: 'd',
      label: 'v3',
      status: 'DeploymentSucceeded',
      previous_label_or_app_version: 'v2',
      previous_deployment_key: KEY,
    });
    if (parsed.kind !== 'ok') throw new Error(parsed.reasons.join('; '));
    expect(deployReportDeltas(parsed.report)).toEqual({
      current: new Map([
        ['v3:Active', 1],
        ['v3:DeploymentSucceeded', 1],
      ]),
      previous: { deploymentKey: KEY, deltas: new Map([['v2:Active', -1]]) },
    });
  });

  it('counts a failure against its label only, and a binary report as the app version', () => {
    const failed = parseDeployReport({
      appVersion: '1.0.0',
      deploymentKey: KEY,
      label: 'v3',
      status: 'DeploymentFailed',
    });
    const binary = parseDeployReport({ app_version: '1.2.0', deployment_key: KEY });
    expect(failed.kind === 'ok' && deployReportDeltas(failed.report)).toEqual({
      current: new Map([['v3:DeploymentFailed', 1]]),
      previous: undefined,
    });
    expect(binary.kind === 'ok' && deployReportDeltas(binary.report)).toEqual({
      current: new Map([
        ['1.2.0:Active', 1],
        ['1.2.0:DeploymentSucceeded', 1],
      ]),
      previous: undefined,
    });
  });

  it.each([
    [{ app_version: '1.0.0' }, 'must contain a valid appVersion and deploymentKey'],
    [{ app_version: '1.0.0', deployment_key: KEY, label: 'v1' }, 'must contain a valid status'],
    [{ app_version: '1.0.0', deployment_key: KEY, label: 'v1', status: 'Exploded' }, 'Invalid status: Exploded'],
    [{ app_version: 'one', deployment_key: KEY }, 'must contain a valid appVersion and deploymentKey'],
    [{ app_version: '__proto__', deployment_key: KEY }, 'must contain a valid appVersion and deploymentKey'],
  ])('refuses the deploy report %j', (body, message) => {
    expect(parseDeployReport(body)).toEqual({ kind: 'invalid', reasons: [expect.stringContaining(message)] });
  });

  it('needs a key and a label in a download report', () => {
    expect(parseDownloadReport({ deployment_key: KEY })).toEqual({
      kind: 'invalid',
      reasons: ['A download status report must contain a valid deploymentKey and package label.'],
    });
    expect(parseDownloadReport({ deploymentKey: KEY, label: 'v2' })).toMatchObject({
      kind: 'ok',
      report: { label: 'v2' },
    });
  });

  it('sums reports into the CodePush metrics view', () => {
    const stored = [
      { 'v1:Active': 1, 'v1:DeploymentSucceeded': 1 },
      { 'v1:Downloaded': 1 },
      { 'v2:DeploymentFailed': 1 },
      { '1.0.0:Active': 1 },
      { '1.0.0:Active': -1 },
    ];
    expect(Object.fromEntries(summarizeMetrics(stored.map(parseMetricDeltas)))).toEqual({
      v1: { active: 1, downloaded: 1, installed: 1, failed: 0 },
      v2: { active: 0, downloaded: 0, installed: 0, failed: 1 },
      '1.0.0': { active: 0 },
    });
  });
});

describe('report counters are keyed by the parsed version', () => {
  it('counts 1.0, " 1.0.0+build " and 1.0.0 as one binary version, and a previous version the same way', () => {
    const keys = ['1.0', ' 1.0.0+build ', '1.0.0'].map((appVersion) => {
      const parsed = parseDeployReport({
        app_version: appVersion,
        deployment_key: KEY,
        previous_label_or_app_version: ' 0.9 ',
      });
      if (parsed.kind !== 'ok') throw new Error(parsed.reasons.join('; '));
      const { current, previous } = deployReportDeltas(parsed.report);
      return [...current.keys(), ...(previous ? previous.deltas.keys() : [])];
    });
    expect(keys).toEqual([
      ['1.0.0:Active', '1.0.0:DeploymentSucceeded', '0.9.0:Active'],
      ['1.0.0:Active', '1.0.0:DeploymentSucceeded', '0.9.0:Active'],
      ['1.0.0:Active', '1.0.0:DeploymentSucceeded', '0.9.0:Active'],
    ]);
  });
});
