import { ConfigError } from '../errors';
import { parseManagementKeys } from './parseManagementKeys';

const SECRET = 'a-secret-of-16-chars';

describe('HOTPATCH_APP_KEYS', () => {
  it('keeps key:secret meaning admin on every app, and reads role and apps', () => {
    const keys = parseManagementKeys(
      `owner:${SECRET}, ci-bot:${SECRET}:release:shop|web ,viewer:${SECRET}:read:*,ops1:${SECRET}:release`,
      { requireSecrets: true },
    );
    expect([...keys]).toEqual([
      ['owner', { secret: SECRET, scope: { role: 'admin', apps: '*' } }],
      ['ci-bot', { secret: SECRET, scope: { role: 'release', apps: ['shop', 'web'] } }],
      ['viewer', { secret: SECRET, scope: { role: 'read', apps: '*' } }],
      ['ops1', { secret: SECRET, scope: { role: 'release', apps: '*' } }],
    ]);
  });

  it('lets gateway mode leave secrets empty, and direct mode refuse short ones', () => {
    expect(parseManagementKeys('ci-bot::release:shop', { requireSecrets: false }).get('ci-bot')).toEqual({
      secret: '',
      scope: { role: 'release', apps: ['shop'] },
    });
    expect(() => parseManagementKeys('ci-bot::release:shop', { requireSecrets: true })).toThrow(
      'HOTPATCH_APP_KEYS: the secret of ci-bot is shorter than 16 characters',
    );
  });

  it.each([
    ['no secret at all', 'lonely', 'each entry must be key:secret[:role[:apps]]'],
    ['a secret with ":"', `ci-bot:${SECRET}:read:shop:extra`, 'no ":" in the secret'],
    ['a short key', `ci:${SECRET}`, 'each entry must be'],
    ['an unknown role', `ci-bot:${SECRET}:owner`, 'key ci-bot: unknown role "owner" (use read, release, admin)'],
    ['a bad app name', `ci-bot:${SECRET}:read:shop|a/b`, 'key ci-bot: app name "a/b" is invalid'],
    ['a key twice', `ci-bot:${SECRET},ci-bot:${SECRET}:read`, 'key ci-bot is configured twice'],
  ])('refuses %s with a message naming the variable', (_case, value, message) => {
    expect(() => parseManagementKeys(value, { requireSecrets: true })).toThrow(ConfigError);
    expect(() => parseManagementKeys(value, { requireSecrets: true })).toThrow(message);
  });
});
