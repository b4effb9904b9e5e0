import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXPO_REQUEST_HEADERS, routes as checkRoutes } from '@hotpatch/get-latest-bundle/routes';
import { routes as manageRoutes } from '@hotpatch/publish-bundle/routes';

const ROOT = path.resolve(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildOpenApi } = require(path.join(ROOT, 'scripts/openapi.js')) as {
  buildOpenApi(options?: object): {
    info: { description: string };
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
};
const committed = JSON.parse(readFileSync(path.join(ROOT, 'docs/openapi.json'), 'utf8')) as ReturnType<
  typeof buildOpenApi
>;

const operations = (spec: ReturnType<typeof buildOpenApi>) =>
  Object.entries(spec.paths).flatMap(([route, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      key: `${method.toUpperCase()} ${route.replace(/\{([A-Za-z]+)\}/g, ':$1')}`,
      operation,
    })),
  );

describe('docs/openapi.json (Swagger 2.0 for API Gateway)', () => {
  it('is what scripts/openapi.js generates from the route tables (regenerate: node scripts/openapi.js > docs/openapi.json)', () => {
    expect(committed).toEqual(buildOpenApi());
  });

  it('lists exactly the routes the functions declare', () => {
    const declared = [...checkRoutes, ...manageRoutes].map((route) => `${route.method} ${route.path}`).sort();
    expect(
      operations(committed)
        .map((entry) => entry.key)
        .sort(),
    ).toEqual(declared);
  });

  it('requires app authentication on every management route and none on the check routes, each to its function', () => {
    for (const { key, operation } of operations(committed)) {
      const management = manageRoutes.some((route) => `${route.method} ${route.path}` === key);
      expect([key, operation['x-aliyun-apigateway-auth-type']]).toEqual([key, management ? 'APP' : 'ANONYMOUS']);
      expect(operation['x-aliyun-apigateway-backend']).toMatchObject({
        type: 'FC',
        functionName: management ? 'publishBundle' : 'getLatestBundle',
      });
    }
  });

  it('documents 401 and 403 on every management route (not signed; role or apps refused) and neither on the check routes', () => {
    for (const { key, operation } of operations(committed)) {
      const responses = operation.responses as Record<string, { description: string }>;
      if (operation['x-aliyun-apigateway-auth-type'] === 'APP') {
        expect([key, responses['401']?.description]).toEqual([key, expect.stringContaining('signature')]);
        expect([key, responses['403']?.description]).toEqual([
          key,
          expect.stringContaining('role or apps do not allow this'),
        ]);
      } else {
        expect([key, Object.keys(responses).filter((status) => status === '401' || status === '403')]).toEqual([
          key,
          [],
        ]);
      }
    }
  });

  it('routes /v1/expo/{app}/manifest to getLatestBundle, forwarding every header the route reads and Accept', () => {
    const expo = committed.paths['/v1/expo/{app}/manifest']!.get!;
    expect(expo['x-aliyun-apigateway-backend']).toMatchObject({ functionName: 'getLatestBundle' });
    expect(expo['x-aliyun-apigateway-parameter-handling']).toBe('PASSTHROUGH');
    const headers = (expo.parameters as { name: string; in: string; required: boolean }[])
      .filter((parameter) => parameter.in === 'header')
      .map((parameter) => [parameter.name, parameter.required]);
    expect(headers).toEqual(['accept', ...EXPO_REQUEST_HEADERS].map((name) => [name, false]));
    expect(headers.map(([name]) => name)).toEqual(
      expect.arrayContaining(['expo-platform', 'expo-runtime-version', 'expo-channel-name', 'eas-client-id']),
    );
    expect(Object.keys(expo.responses as object)).toContain('406');
  });

  it('is the direct-mode example: no parameter mapping, publishBundle checks the app signature itself', () => {
    for (const { operation } of operations(committed))
      expect(operation).not.toHaveProperty('x-aliyun-apigateway-system-parameters');
  });

  it('targets an FC 2.0 service in the committed example (the fcli and hotpatch deploy paths)', () => {
    for (const { operation } of operations(committed))
      expect(operation['x-aliyun-apigateway-backend']).toMatchObject({
        fcType: 'FCEvent',
        fcVersion: '2.0',
        serviceName: 'hotpatch',
        qualifier: 'LATEST',
      });
  });
});

describe('scripts/openapi.js for your region, account and FC version', () => {
  const role = 'acs:ram::1234567890:role/aliyunapigatewayaccessingfcrole';

  it('puts the region and role in every backend', () => {
    for (const { operation } of operations(buildOpenApi({ region: 'ap-southeast-1', role })))
      expect(operation['x-aliyun-apigateway-backend']).toMatchObject({ fcRegion: 'ap-southeast-1', roleArn: role });
  });

  it('for FC 3.0 (the s.yaml path) names the function alone, with fcVersion 3.0 and no service', () => {
    for (const { operation } of operations(buildOpenApi({ region: 'cn-shanghai', role, fcVersion: '3' }))) {
      const backend = operation['x-aliyun-apigateway-backend'] as Record<string, unknown>;
      expect(backend).toMatchObject({
        type: 'FC',
        fcType: 'FCEvent',
        fcVersion: '3.0',
        functionName: expect.stringMatching(/^(getLatestBundle|publishBundle)$/),
      });
      expect(backend).not.toHaveProperty('serviceName');
    }
  });

  it('in gateway mode maps the system parameter CaAppKey to the header X-Ca-Key on every management route, and on no check route', () => {
    const spec = buildOpenApi({ region: 'cn-shanghai', role, authMode: 'gateway' });
    for (const { key, operation } of operations(spec)) {
      const management = manageRoutes.some((route) => `${route.method} ${route.path}` === key);
      const mapping = operation['x-aliyun-apigateway-system-parameters'];
      expect([key, mapping]).toEqual([
        key,
        management ? [{ systemName: 'CaAppKey', backendName: 'X-Ca-Key', location: 'HEADER' }] : undefined,
      ]);
      expect(operation['x-aliyun-apigateway-auth-type']).toBe(management ? 'APP' : 'ANONYMOUS');
      if (management)
        expect((operation.responses as Record<string, { description: string }>)['403']!.description).toMatch(
          /X-Ca-Key\) is not in HOTPATCH_APP_KEYS/,
        );
    }
    // No Swagger extension binds a backend signature plugin: the file says so, and the docs give the step.
    expect(spec.info.description).toMatch(/After import, bind the backend signature key to every management API/);
  });

  it('refuses an unknown FC version or auth mode, a malformed region or role, with the flag named', () => {
    expect(() => buildOpenApi({ authMode: 'both' })).toThrow(/--auth-mode must be direct or gateway/);
    expect(() => buildOpenApi({ fcVersion: '4' })).toThrow(/--fc-version must be 2 .* or 3/);
    expect(() => buildOpenApi({ region: 'Shanghai' })).toThrow(/--region must be a region id/);
    expect(() => buildOpenApi({ role: 'hotpatch-fc' })).toThrow(/--role must be a RAM role ARN/);
  });
});
