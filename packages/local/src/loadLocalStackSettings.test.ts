import { loadLocalStackSettings } from './loadLocalStackSettings';

describe('loadLocalStackSettings: where the stack listens and how devices reach it', () => {
  it('listens on loopback by default and derives the public host from the bind address', () => {
    const settings = loadLocalStackSettings({});
    expect(settings.host).toBe('127.0.0.1');
    expect(settings.publicHost).toBeUndefined();
  });

  it.each([
    ['10.0.2.2', '10.0.2.2'],
    ['http://10.0.2.2', '10.0.2.2'],
    ['http://devbox.local/', 'devbox.local'],
    ['[fe80::1]', '[fe80::1]'],
  ])('reads HOTPATCH_PUBLIC_URL %s as the host %s', (value, host) => {
    expect(loadLocalStackSettings({ HOTPATCH_HOST: '0.0.0.0', HOTPATCH_PUBLIC_URL: value })).toMatchObject({
      host: '0.0.0.0',
      publicHost: host,
    });
  });

  it.each(['10.0.2.2:3001', 'https://10.0.2.2', 'http://10.0.2.2/hotpatch', 'a b'])(
    'refuses HOTPATCH_PUBLIC_URL %s, naming it',
    (value) => {
      expect(() => loadLocalStackSettings({ HOTPATCH_PUBLIC_URL: value })).toThrow(
        /^HOTPATCH_PUBLIC_URL: expected the host name or IP/,
      );
    },
  );

  it('refuses a HOTPATCH_HOST that is not an address', () => {
    expect(() => loadLocalStackSettings({ HOTPATCH_HOST: '0.0.0.0:80' })).toThrow(
      /^HOTPATCH_HOST: expected an address/,
    );
  });

  it('hands the whole environment on for the function settings', () => {
    const env = { HOTPATCH_MAX_UPLOAD_MB: '5' };
    expect(loadLocalStackSettings(env).settingsEnv).toBe(env);
  });
});
