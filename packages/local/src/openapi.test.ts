import { readFileSync } from 'node:fs';
import path from 'node:path';
import { routes as checkRoutes } from '@hotpatch/get-latest-bundle/routes';
import { routes as manageRoutes } from '@hotpatch/publish-bundle/routes';

const ROOT = path.resolve(__dirname, '../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildOpenApi } = require(path.join(ROOT, 'scripts/openapi.js')) as { buildOpenApi(options?: object): { paths: Record<string, Record<string, Record<string, unknown>>> } };
const committed = JSON.parse(readFileSync(path.join(ROOT, 'docs/openapi.json'), 'utf8')) as ReturnType<typeof buildOpenApi>;

const operations = (spec: ReturnType<typeof buildOpenApi>) =>
  Object.entries(spec.paths).flatMap(([route, methods]) => Object.entries(methods).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${route.replace(/\{([A-Za-z]+)\}/g, ':$1')}`, operation })));

describe('docs/openapi.json (Swagger 2.0 for API Gateway)', () => {
  it('is what scripts/openapi.js generates from the route tables (regenerate: node scripts/openapi.js > docs/openapi.json)', () => {
    expect(committed).toEqual(buildOpenApi());
  });

  it('lists exactly the routes the functions declare', () => {
    const declared = [...checkRoutes, ...manageRoutes].map((route) => `${route.method} ${route.path}`).sort();
    expect(operations(committed).map((entry) => entry.key).sort()).toEqual(declared);
  });

  it('requires app authentication on every management route and none on the check routes, each to its function', () => {
    for (const { key, operation } of operations(committed)) {
      const management = manageRoutes.some((route) => `${route.method} ${route.path}` === key);
      expect([key, operation['x-aliyun-apigateway-auth-type']]).toEqual([key, management ? 'APP' : 'ANONYMOUS']);
      expect(operation['x-aliyun-apigateway-backend']).toMatchObject({ type: 'FC', functionName: management ? 'publishBundle' : 'getLatestBundle' });
    }
  });
});
