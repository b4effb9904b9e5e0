'use strict';
// Swagger 2.0 for API Gateway's "Import Swagger": every route of getLatestBundle and publishBundle, app
// authentication (HmacSHA256) on publishBundle's, none on the check routes, each with its FC event backend
// for the deploy path used: FC 2.0 (fcli, hotpatch deploy: a service and its functions) or FC 3.0 (s.yaml:
// functions only, no service), in API Gateway's FunctionComputeConfig terms (fcVersion, serviceName only on 2.0).
// --auth-mode gateway (publishBundle's HOTPATCH_AUTH_MODE=gateway) maps the system parameter CaAppKey to the
// backend header X-Ca-Key on the management APIs, so the gateway names the app it authenticated; the backend
// signature key itself is a plugin bound after import (docs/deploy.md §4): Swagger cannot carry it.
//   node scripts/openapi.js --region cn-shanghai --role acs:ram::<account>:role/aliyunapigatewayaccessingfcrole \
//     [--fc-version 2|3] [--service hotpatch] [--qualifier LATEST] [--auth-mode direct|gateway] > openapi.json
// docs/openapi.json is its output with the defaults (the documented example), checked by a test.
const {
  EXPO_ASSET_REQUEST_HEADERS,
  EXPO_REQUEST_HEADERS,
  routes: checkRoutes,
} = require('@hotpatch/get-latest-bundle/routes');
const { routes: manageRoutes } = require('@hotpatch/publish-bundle/routes');

const SUMMARIES = {
  'GET /v1/check': 'Is there an update for this device? (docs/check-api.md)',
  'GET /v1/health': 'Whether the function reaches its bucket',
  'GET /v1/expo/:app/manifest': 'Expo Updates protocol v1 manifest request (docs/protocols/expo.md)',
  'GET /v1/expo/:app/:platform/:channel/assets/:hash':
    'Expo launch asset: 226 IM Used with a bsdiff patch on A-IM: bsdiff, else a redirect to the content (docs/protocols/expo.md)',
  'GET /v0.1/public/codepush/update_check': 'CodePush update check (react-native-code-push >= 5.7, snake_case)',
  'GET /updateCheck': 'CodePush update check (legacy camelCase dialect)',
  'POST /v0.1/public/codepush/report_status/deploy': 'CodePush deploy status report',
  'POST /v0.1/public/codepush/report_status/download': 'CodePush download status report',
  'POST /reportStatus/deploy': 'CodePush deploy status report (legacy)',
  'POST /reportStatus/download': 'CodePush download status report (legacy)',
  'POST /v1/apps': 'Register an app',
  'GET /v1/apps': 'List apps',
  'GET /v1/apps/:app': "An app's channels and deployment keys",
  'POST /v1/apps/:app/channels': 'Add a channel',
  'DELETE /v1/apps/:app/channels/:channel': 'Remove a channel',
  'POST /v1/apps/:app/channels/:channel/keys': "Rotate a channel's deployment keys",
  'POST /v1/apps/:app/:platform/:channel/promote': 'Promote a release to another channel',
  'PATCH /v1/apps/:app/:platform/:channel/releases/:label': "Change a release's settings",
  'POST /v1/apps/:app/:platform/:channel/rollback': 'Release an earlier release again',
  'POST /v1/apps/:app/:platform/:channel/rollback-to-embedded': 'Expo: devices return to the bundle in their binary',
  'GET /v1/apps/:app/:platform/:channel/history': 'Releases, newest first',
  'GET /v1/apps/:app/:platform/:channel/metrics': 'Per-release install metrics',
  'POST /v1/apps/:app/:platform/builds': "Register a store build's embedded bundle (a base for binary patches)",
  'GET /v1/apps/:app/:platform/builds': 'Registered store builds',
  'DELETE /v1/apps/:app/:platform/builds/:build': 'Forget a registered store build',
  'GET /v1/uploads/status': 'The outcome of an upload',
};

const CHECK_QUERY = ['app', 'platform', 'channel', 'appVersion', 'bundleHash', 'clientId'];

function operation(route, functionName, auth, options) {
  const parameters = [...route.path.matchAll(/:([A-Za-z]+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    type: 'string',
  }));
  if (route.path === '/v1/check')
    parameters.push(
      ...CHECK_QUERY.map((name) => ({
        name,
        in: 'query',
        required: ['app', 'platform', 'channel', 'appVersion'].includes(name),
        type: 'string',
      })),
    );
  // The Expo route reads its request from headers: declared (optional: the function names a missing one), so the
  // API shows them and a gateway in a mapping mode forwards them too; PASSTHROUGH forwards every header anyway.
  if (route.path === '/v1/expo/:app/manifest')
    parameters.push(
      ...['accept', ...EXPO_REQUEST_HEADERS].map((name) => ({ name, in: 'header', required: false, type: 'string' })),
    );
  if (route.path === '/v1/expo/:app/:platform/:channel/assets/:hash')
    parameters.push(
      ...EXPO_ASSET_REQUEST_HEADERS.map((name) => ({ name, in: 'header', required: false, type: 'string' })),
    );
  if (['POST', 'PATCH', 'PUT'].includes(route.method) && functionName === 'publishBundle')
    parameters.push({ name: 'body', in: 'body', required: false, schema: { type: 'object' } });
  return {
    summary: SUMMARIES[`${route.method} ${route.path}`] ?? `${route.method} ${route.path}`,
    operationId: `${functionName}_${route.method}_${route.path.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}`,
    schemes: ['https'],
    parameters,
    responses: {
      200: { description: 'OK' },
      ...(route.path === '/v1/expo/:app/:platform/:channel/assets/:hash'
        ? {
            226: { description: 'IM Used: a BSDIFF40 patch from expo-base-update-id (private, no-store)' },
            302: { description: 'the full asset at its immutable content URL' },
          }
        : {}),
      400: { description: 'bad request (JSON error)' },
      ...(auth === 'APP'
        ? {
            401: {
              description:
                options.authMode === 'gateway'
                  ? 'no valid API Gateway backend signature (X-Ca-Proxy-Signature), or X-Ca-Key not among the headers it signs (JSON error)'
                  : 'not signed, or the signature does not verify (JSON error)',
            },
            403: {
              description:
                options.authMode === 'gateway'
                  ? 'the app the gateway names (X-Ca-Key) is not in HOTPATCH_APP_KEYS, or its role or apps do not allow this (JSON error naming the missing role)'
                  : "the key's role or apps do not allow this (JSON error naming the missing role)",
            },
          }
        : {}),
      404: { description: 'not found' },
      ...(route.path === '/v1/expo/:app/manifest'
        ? { 406: { description: 'Accept allows nothing that can carry the answer (JSON error)' } }
        : {}),
      ...(['POST', 'PATCH', 'PUT'].includes(route.method)
        ? { 413: { description: 'request body too large (JSON error)' } }
        : {}),
      503: { description: 'storage unavailable; retry later (no-store)' },
    },
    'x-aliyun-apigateway-auth-type': auth,
    'x-aliyun-apigateway-parameter-handling': 'PASSTHROUGH',
    // Gateway mode: the AppKey the gateway authenticated reaches publishBundle as X-Ca-Key (and, as a parameter
    // of the API, inside the backend signature), whatever the client sent.
    ...(auth === 'APP' && options.authMode === 'gateway'
      ? {
          'x-aliyun-apigateway-system-parameters': [
            { systemName: 'CaAppKey', backendName: 'X-Ca-Key', location: 'HEADER' },
          ],
        }
      : {}),
    'x-aliyun-apigateway-backend': {
      type: 'FC',
      fcType: 'FCEvent',
      fcVersion: options.fcVersion,
      fcRegion: options.region,
      // FC 3.0 has no services: a function is addressed by its name alone.
      ...(options.fcVersion === '2.0' ? { serviceName: options.service } : {}),
      functionName,
      qualifier: options.qualifier,
      roleArn: options.role,
      timeout: functionName === 'getLatestBundle' ? 10000 : 60000,
    },
  };
}

const FC_VERSIONS = { 2: '2.0', '2.0': '2.0', 3: '3.0', '3.0': '3.0' };
// publishBundle's HOTPATCH_AUTH_MODE values (AUTH_MODES in @hotpatch/common).
const { AUTH_MODES } = require('@hotpatch/common');

function buildOpenApi(options = {}) {
  const fcVersion = FC_VERSIONS[options.fcVersion ?? '2'];
  if (!fcVersion)
    throw new Error(`--fc-version must be 2 (fcli, hotpatch deploy) or 3 (s.yaml), not ${options.fcVersion}`);
  if (options.region !== undefined && !/^[a-z]{2}-[a-z0-9-]+$/.test(options.region))
    throw new Error(`--region must be a region id like cn-shanghai, not ${options.region}`);
  if (options.role !== undefined && !/^acs:ram::\d+:role\/[A-Za-z0-9._-]+$/.test(options.role))
    throw new Error(
      `--role must be a RAM role ARN like acs:ram::1234567890:role/aliyunapigatewayaccessingfcrole, not ${options.role}`,
    );
  const authMode = options.authMode ?? 'direct';
  if (!AUTH_MODES.includes(authMode))
    throw new Error(
      `--auth-mode must be ${AUTH_MODES.join(' or ')} (publishBundle's HOTPATCH_AUTH_MODE), not ${authMode}`,
    );
  const settings = {
    region: options.region ?? 'cn-hangzhou',
    service: options.service ?? 'hotpatch',
    role: options.role ?? 'acs:ram::<account-id>:role/aliyunapigatewayaccessingfcrole',
    fcVersion,
    qualifier: options.qualifier ?? 'LATEST',
    authMode,
  };
  const paths = {};
  const add = (route, functionName, auth) => {
    const swaggerPath = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    paths[swaggerPath] ??= {};
    paths[swaggerPath][route.method.toLowerCase()] = operation(route, functionName, auth, settings);
  };
  for (const route of checkRoutes) add(route, 'getLatestBundle', 'ANONYMOUS');
  for (const route of manageRoutes) add(route, 'publishBundle', 'APP');
  return {
    swagger: '2.0',
    info: {
      title: 'hotpatch',
      version: '1.0',
      description:
        authMode === 'gateway'
          ? 'Over-the-air updates for React Native apps: check-update routes (anonymous) and release management (API Gateway app authentication; publishBundle with HOTPATCH_AUTH_MODE=gateway verifies the backend signature and takes the app from X-Ca-Key, mapped from CaAppKey). After import, bind the backend signature key to every management API: this file cannot.'
          : 'Over-the-air updates for React Native apps: check-update routes (anonymous) and release management (API Gateway app authentication, HmacSHA256, verified again inside publishBundle).',
    },
    basePath: '/',
    consumes: ['application/json'],
    produces: ['application/json'],
    paths,
  };
}

module.exports = { buildOpenApi };

if (require.main === module) {
  const argument = (name) => {
    const index = process.argv.indexOf(`--${name}`);
    return index >= 0 ? process.argv[index + 1] : undefined;
  };
  try {
    const spec = buildOpenApi({
      region: argument('region'),
      service: argument('service'),
      role: argument('role'),
      fcVersion: argument('fc-version'),
      qualifier: argument('qualifier'),
      authMode: argument('auth-mode'),
    });
    process.stdout.write(`${JSON.stringify(spec, null, 2)}\n`);
  } catch (error) {
    process.stderr.write(`openapi: ${error.message}\n`);
    process.exitCode = 2;
  }
}
