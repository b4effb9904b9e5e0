import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { routes as checkRoutes } from '@hotpatch/get-latest-bundle/routes';
import { routes as manageRoutes } from '@hotpatch/publish-bundle/routes';
import { ossTrigger } from '@hotpatch/upload-bundle';

const ROOT = path.resolve(__dirname, '../../..');
const yaml = (file: string): any => parse(readFileSync(path.join(ROOT, file), 'utf8'));
const methodsOf = (routes: readonly { method: string }[]) => [...new Set(routes.map((route) => route.method))].sort();

/** Serverless Devs downloads its fc3 component at run time (not from npm), so s.yaml is checked statically. */
describe('s.yaml (Serverless Devs, fc3)', () => {
  const spec = yaml('s.yaml');

  it('deploys the three functions from npm run build output with handler index.handler on nodejs20', () => {
    expect(Object.keys(spec.resources)).toEqual(['uploadBundle', 'getLatestBundle', 'publishBundle']);
    for (const [name, resource] of Object.entries<any>(spec.resources)) {
      expect(resource.component).toBe('fc3');
      expect(resource.props).toMatchObject({ functionName: name, runtime: 'nodejs20', handler: 'index.handler', code: `./artifacts/${name}` });
    }
  });

  it('triggers uploadBundle on the upload prefix for every way an object is created', () => {
    const [trigger] = spec.resources.uploadBundle.props.triggers;
    expect(trigger.triggerConfig.filter.key.prefix).toBe(ossTrigger.prefix);
    expect(trigger.triggerConfig.events).toEqual(expect.arrayContaining(['oss:ObjectCreated:PutObject', 'oss:ObjectCreated:CompleteMultipartUpload']));
  });

  it('opens each HTTP trigger to exactly the methods its routes use, and gives publishBundle its app keys', () => {
    expect([...spec.resources.getLatestBundle.props.triggers[0].triggerConfig.methods].sort()).toEqual(methodsOf(checkRoutes));
    expect([...spec.resources.publishBundle.props.triggers[0].triggerConfig.methods].sort()).toEqual(expect.arrayContaining(methodsOf(manageRoutes)));
    expect(spec.resources.publishBundle.props.environmentVariables.HOTPATCH_APP_KEYS).toBeDefined();
  });
});

describe('fcli trigger configs', () => {
  it('keep the triggerConfig root key fcli reads, and the same upload prefix', () => {
    expect(yaml('deploy/fcli/oss-trigger.yaml').triggerConfig.filter.key.prefix).toBe(ossTrigger.prefix);
    expect([...yaml('deploy/fcli/http-trigger-check.yaml').triggerConfig.methods].sort()).toEqual(methodsOf(checkRoutes));
    expect(yaml('deploy/fcli/http-trigger-publish.yaml').triggerConfig.methods).toEqual(expect.arrayContaining(methodsOf(manageRoutes)));
  });
});
