import {
  accessProblem,
  MANAGEMENT_ACTIONS,
  parseKeyScope,
  UNSCOPED_KEY,
  type KeyScope,
  type ManagementAction,
} from './managementAccess';

const actions = Object.keys(MANAGEMENT_ACTIONS) as ManagementAction[];
const allowed = (scope: KeyScope, app?: string) =>
  actions.filter((action) => accessProblem('k', scope, action, app) === undefined);

describe('management roles', () => {
  it('lets read look, release also change releases, admin also change apps', () => {
    const looking = [
      'listApps',
      'showApp',
      'history',
      'metrics',
      'releaseHealth',
      'explain',
      'uploadStatus',
      'health',
      'whoami',
      'listBuilds',
    ];
    const releasing = [
      ...looking,
      'promote',
      'patch',
      'rollback',
      'rollbackToEmbedded',
      'registerBuild',
      'removeBuild',
    ];
    expect(allowed({ role: 'read', apps: '*' }, 'shop').sort()).toEqual(looking.sort());
    expect(allowed({ role: 'release', apps: '*' }, 'shop').sort()).toEqual(releasing.sort());
    expect(allowed({ role: 'admin', apps: '*' }, 'shop').sort()).toEqual([...actions].sort());
  });

  it('limits a scoped key to its apps', () => {
    const scope: KeyScope = { role: 'release', apps: ['shop', 'web'] };
    expect(accessProblem('ci', scope, 'promote', 'web')).toBeUndefined();
    expect(accessProblem('ci', scope, 'promote', 'bank')).toBe(
      'key "ci" may not promote: needs role release on app bank (it has release on shop, web)',
    );
    expect(accessProblem('ci', scope, 'history', 'bank')).toBe(
      'key "ci" may not read history: needs role read on app bank (it has release on shop, web)',
    );
  });

  it('names the missing role in a refusal', () => {
    expect(accessProblem('ci', { role: 'read', apps: '*' }, 'promote', 'shop')).toBe(
      'key "ci" may not promote: needs role release on app shop (it has read on *)',
    );
    expect(accessProblem('ci', { role: 'release', apps: ['shop'] }, 'createApp', 'shop')).toBe(
      'key "ci" may not create apps: needs role admin on app shop (it has release on shop)',
    );
    expect(accessProblem('ci', { role: 'release', apps: ['shop'] }, 'createApp', undefined)).toBe(
      'key "ci" may not create apps: needs role admin (it has release on shop)',
    );
  });
});

describe('key scope syntax', () => {
  it('reads role and apps, and an unscoped key as admin on every app', () => {
    expect(parseKeyScope(undefined, undefined)).toEqual(UNSCOPED_KEY);
    expect(UNSCOPED_KEY).toEqual({ role: 'admin', apps: '*' });
    expect(parseKeyScope('release', undefined)).toEqual({ role: 'release', apps: '*' });
    expect(parseKeyScope('read', '*')).toEqual({ role: 'read', apps: '*' });
    expect(parseKeyScope('release', 'shop|web|shop')).toEqual({ role: 'release', apps: ['shop', 'web'] });
  });

  it('says what is wrong with a bad role or app name', () => {
    expect(parseKeyScope('owner', undefined)).toEqual({ problem: 'unknown role "owner" (use read, release, admin)' });
    expect(parseKeyScope('read', 'shop|../x')).toEqual({
      problem: expect.stringContaining('app name "../x" is invalid'),
    });
    expect(parseKeyScope('read', '')).toEqual({ problem: expect.stringContaining('app is missing') });
  });
});
