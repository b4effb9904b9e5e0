import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { routes as checkRoutes } from '@hotpatch/get-latest-bundle/routes';
import { routes as manageRoutes } from '@hotpatch/publish-bundle/routes';
import {
  AUTH_MODES,
  DEFAULT_TIMER_SECONDS,
  DOWNLOAD_MODES,
  FOLD_TIMER_TRIGGER,
  FUNCTION_SIZING,
  loadStorageConfig,
} from '@hotpatch/common';
import { DEFAULT_UPLOAD_PREFIX } from '@hotpatch/core';
import { ossTrigger } from '@hotpatch/upload-bundle';

const ROOT = path.resolve(__dirname, '..');
const yaml = (file: string): any => parse(readFileSync(path.join(ROOT, file), 'utf8'));
/** `KEY=value` lines of an fcli env file. */
const envFile = (file: string): Record<string, string> =>
  Object.fromEntries(
    readFileSync(path.join(ROOT, file), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
const methodsOf = (routes: readonly { method: string }[]) => [...new Set(routes.map((route) => route.method))].sort();

/** Serverless Devs downloads its fc3 component at run time (not from npm), so s.yaml is checked statically. */
describe('s.yaml (Serverless Devs, fc3)', () => {
  const spec = yaml('s.yaml');

  it('deploys the three functions from npm run build output with handler index.handler on nodejs20', () => {
    expect(Object.keys(spec.resources)).toEqual(['uploadBundle', 'getLatestBundle', 'publishBundle']);
    for (const [name, resource] of Object.entries<any>(spec.resources)) {
      expect(resource.component).toBe('fc3');
      expect(resource.props).toMatchObject({
        functionName: name,
        runtime: 'nodejs20',
        handler: 'index.handler',
        code: `./artifacts/${name}`,
      });
    }
  });

  it('sizes each function as hotpatch deploy does: memory, timeout, instance concurrency (100 checks, 10 management calls, 1 upload)', () => {
    for (const [name, sizing] of Object.entries(FUNCTION_SIZING)) {
      const { memorySize, timeout, instanceConcurrency } = spec.resources[name].props;
      expect({ name, memorySize, timeout, instanceConcurrency }).toEqual({ name, ...sizing });
    }
    expect(spec.resources.getLatestBundle.props.instanceConcurrency).toBe(100);
    expect(spec.resources.uploadBundle.props.instanceConcurrency).toBe(1);
  });

  it("triggers uploadBundle on the upload prefix (one variable, also in the functions' environment) for every way an object is created", () => {
    const [trigger] = spec.resources.uploadBundle.props.triggers;
    expect(spec.vars.uploadPrefix).toBe(DEFAULT_UPLOAD_PREFIX);
    expect(trigger.triggerConfig.filter.key.prefix).toBe('${vars.uploadPrefix}');
    expect(spec.vars.environment.HOTPATCH_UPLOAD_PREFIX).toBe('${vars.uploadPrefix}');
    expect(spec.resources.publishBundle.props.environmentVariables.HOTPATCH_UPLOAD_PREFIX).toBe('${vars.uploadPrefix}');
    expect(trigger.triggerConfig.events).toEqual(
      expect.arrayContaining(['oss:ObjectCreated:PutObject', 'oss:ObjectCreated:CompleteMultipartUpload']),
    );
  });

  it('opens each HTTP trigger to exactly the methods its routes use, and gives publishBundle its app keys', () => {
    expect([...spec.resources.getLatestBundle.props.triggers[0].triggerConfig.methods].sort()).toEqual(
      methodsOf(checkRoutes),
    );
    expect([...spec.resources.publishBundle.props.triggers[0].triggerConfig.methods].sort()).toEqual(
      expect.arrayContaining(methodsOf(manageRoutes)),
    );
    expect(spec.resources.publishBundle.props.environmentVariables.HOTPATCH_APP_KEYS).toBeDefined();
  });

  it("fires publishBundle's timer entry point (fold, auto-halt) every DEFAULT_TIMER_SECONDS, as hotpatch deploy does", () => {
    const timers = spec.resources.publishBundle.props.triggers.filter(
      (trigger: any) => trigger.triggerType === 'timer',
    );
    expect(timers).toEqual([
      expect.objectContaining({
        triggerName: FOLD_TIMER_TRIGGER.triggerName,
        triggerConfig: { cronExpression: FOLD_TIMER_TRIGGER.cronExpression, enable: true, payload: '' },
      }),
    ]);
    expect(FOLD_TIMER_TRIGGER.cronExpression).toBe(`@every ${DEFAULT_TIMER_SECONDS / 60}m`);
  });

  it('gives the app keys to publishBundle only', () => {
    expect(spec.vars.environment.HOTPATCH_APP_KEYS).toBeUndefined();
    expect(spec.resources.uploadBundle.props.environmentVariables).toBe('${vars.environment}');
    expect(spec.resources.getLatestBundle.props.environmentVariables.HOTPATCH_APP_KEYS).toBeUndefined();
  });

  it('gives getLatestBundle alone the Expo key-encryption key and API URL, from the shell, and every shared variable', () => {
    const check = spec.resources.getLatestBundle.props.environmentVariables;
    expect(check).toEqual({
      ...spec.vars.environment,
      HOTPATCH_EXPO_KEY_ENCRYPTION_KEY: '${vars.expoKeyEncryptionKey}',
      HOTPATCH_API_URL: '${vars.apiUrl}',
    });
    expect(spec.vars.apiUrl).toBe("${env('HOTPATCH_API_URL')}");
    expect(spec.vars.expoKeyEncryptionKey).toBe("${env('HOTPATCH_EXPO_KEY_ENCRYPTION_KEY')}");
    expect(spec.vars.environment.HOTPATCH_EXPO_KEY_ENCRYPTION_KEY).toBeUndefined();
    expect(spec.resources.publishBundle.props.environmentVariables.HOTPATCH_EXPO_KEY_ENCRYPTION_KEY).toBeUndefined();
  });

  it('gives every function the signer key pair, and publishBundle alone the auth mode and the gateway key pair, all from variables', () => {
    const publish = spec.resources.publishBundle.props.environmentVariables;
    for (const environment of [spec.vars.environment, publish]) {
      expect(environment.HOTPATCH_DOWNLOAD_SIGNER_KEY_ID).toBe('${vars.downloadSignerKeyId}');
      expect(environment.HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET).toBe('${vars.downloadSignerKeySecret}');
    }
    // Secrets come from the shell that runs s deploy, never from the file.
    expect(spec.vars.downloadSignerKeySecret).toBe("${env('HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET')}");
    expect(spec.vars.gatewaySignatureSecret).toBe("${env('HOTPATCH_GATEWAY_SIGNATURE_SECRET')}");
    expect(AUTH_MODES).toContain(spec.vars.authMode);
    expect(publish).toMatchObject({
      HOTPATCH_AUTH_MODE: '${vars.authMode}',
      HOTPATCH_GATEWAY_SIGNATURE_KEY: '${vars.gatewaySignatureKey}',
      HOTPATCH_GATEWAY_SIGNATURE_SECRET: '${vars.gatewaySignatureSecret}',
    });
    expect(Object.keys(spec.vars.environment).filter((name) => /AUTH_MODE|GATEWAY/.test(name))).toEqual([]);
    // Every variable the shared environment sets, publishBundle's own block sets too (it does not use vars.environment).
    expect(Object.keys(publish)).toEqual(expect.arrayContaining(Object.keys(spec.vars.environment)));
  });

  it('sets the download mode from one variable, and hands devices the public endpoint', () => {
    expect(DOWNLOAD_MODES).toContain(spec.vars.downloadMode);
    for (const environment of [spec.vars.environment, spec.resources.publishBundle.props.environmentVariables]) {
      expect(environment.HOTPATCH_DOWNLOAD_MODE).toBe('${vars.downloadMode}');
      expect(environment.HOTPATCH_DOWNLOAD_BASE_URL).not.toContain('-internal');
    }
  });
});

describe('fcli env files', () => {
  it('keep the app keys out of the file every function reads, in a file for publishBundle alone', () => {
    expect(envFile('deploy/fcli/env.example').HOTPATCH_APP_KEYS).toBeUndefined();
    expect(Object.keys(envFile('deploy/fcli/publish.env.example'))).toEqual([
      'HOTPATCH_APP_KEYS',
      'HOTPATCH_AUTH_MODE',
    ]);
  });

  it('offer the signer key pair to every function, and the auth mode and gateway key pair to publishBundle alone', () => {
    const shared = readFileSync(path.join(ROOT, 'deploy/fcli/env.example'), 'utf8');
    const publish = readFileSync(path.join(ROOT, 'deploy/fcli/publish.env.example'), 'utf8');
    // Commented out: a half-set pair stops the functions, so the operator uncomments both or neither.
    expect(shared).toMatch(/^#HOTPATCH_DOWNLOAD_SIGNER_KEY_ID=/m);
    expect(shared).toMatch(/^#HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET=/m);
    expect(shared).not.toMatch(/AUTH_MODE|GATEWAY_SIGNATURE/);
    expect(AUTH_MODES).toContain(envFile('deploy/fcli/publish.env.example').HOTPATCH_AUTH_MODE);
    expect(publish).toMatch(/^#HOTPATCH_GATEWAY_SIGNATURE_KEY=/m);
    expect(publish).toMatch(/^#HOTPATCH_GATEWAY_SIGNATURE_SECRET=/m);
    // As committed, with the signer pair uncommented the functions accept it.
    const uncommented = Object.fromEntries(
      shared
        .split('\n')
        .filter((line) => /^#?HOTPATCH_[A-Z_]+=/.test(line))
        .map((line) => line.replace(/^#/, '').split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    expect(loadStorageConfig({ ...uncommented, HOTPATCH_DOWNLOAD_MODE: 'signed' }).download.signer).toEqual({
      accessKeyId: uncommented.HOTPATCH_DOWNLOAD_SIGNER_KEY_ID,
      accessKeySecret: uncommented.HOTPATCH_DOWNLOAD_SIGNER_KEY_SECRET,
    });
  });

  it('offer the Expo key-encryption key to getLatestBundle alone, commented out', () => {
    const check = readFileSync(path.join(ROOT, 'deploy/fcli/check.env.example'), 'utf8');
    expect(check).toMatch(/^#HOTPATCH_EXPO_KEY_ENCRYPTION_KEY=/m);
    expect(check).toMatch(/^#HOTPATCH_API_URL=https:\/\//m);
    expect(check).toContain('--env-file deploy/fcli/env --env-file deploy/fcli/check.env');
    for (const file of ['deploy/fcli/env.example', 'deploy/fcli/publish.env.example'])
      expect(readFileSync(path.join(ROOT, file), 'utf8')).not.toContain('HOTPATCH_EXPO_KEY_ENCRYPTION_KEY');
    const docs = readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');
    expect(docs).toMatch(/^mkf getLatestBundle .* --env-file deploy\/fcli\/env --env-file deploy\/fcli\/check\.env$/m);
  });

  it('set the download mode and the same upload prefix as the trigger', () => {
    const env = envFile('deploy/fcli/env.example');
    expect(DOWNLOAD_MODES).toContain(env.HOTPATCH_DOWNLOAD_MODE);
    expect(env.HOTPATCH_UPLOAD_PREFIX).toBe(yaml('deploy/fcli/oss-trigger.yaml').triggerConfig.filter.key.prefix);
    expect(env.HOTPATCH_DOWNLOAD_BASE_URL).not.toContain('-internal');
  });
});

describe('fcli timer trigger', () => {
  it('fires the same schedule as hotpatch deploy and s.yaml, and docs/deploy.md creates it on publishBundle', () => {
    expect(yaml('deploy/fcli/timer-trigger.yaml').triggerConfig).toEqual({
      cronExpression: FOLD_TIMER_TRIGGER.cronExpression,
      enable: true,
      payload: '',
    });
    expect(readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8')).toContain(
      `mkt ${FOLD_TIMER_TRIGGER.functionName}/${FOLD_TIMER_TRIGGER.triggerName} -t timer -c deploy/fcli/timer-trigger.yaml`,
    );
  });
});

describe('docs/deploy.md fcli commands', () => {
  it('create each function with the memory and timeout of FUNCTION_SIZING', () => {
    const docs = readFileSync(path.join(ROOT, 'docs/deploy.md'), 'utf8');
    for (const [name, sizing] of Object.entries(FUNCTION_SIZING)) {
      const line = docs.split('\n').find((candidate) => candidate.startsWith(`mkf ${name} `));
      expect({
        name,
        memory: / -m (\d+)/.exec(line ?? '')?.[1],
        timeout: / --timeout (\d+)/.exec(line ?? '')?.[1],
      }).toEqual({ name, memory: String(sizing.memorySize), timeout: String(sizing.timeout) });
    }
  });
});

describe('fcli trigger configs', () => {
  it('keep the triggerConfig root key fcli reads, and the same upload prefix', () => {
    expect(yaml('deploy/fcli/oss-trigger.yaml').triggerConfig.filter.key.prefix).toBe(ossTrigger.prefix);
    expect([...yaml('deploy/fcli/http-trigger-check.yaml').triggerConfig.methods].sort()).toEqual(
      methodsOf(checkRoutes),
    );
    expect(yaml('deploy/fcli/http-trigger-publish.yaml').triggerConfig.methods).toEqual(
      expect.arrayContaining(methodsOf(manageRoutes)),
    );
  });
});
