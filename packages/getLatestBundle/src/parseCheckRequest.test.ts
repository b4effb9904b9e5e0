import { BadRequestError } from '@hotpatch/common';
import { parseCheckRequest } from './parseCheckRequest';

const valid = {
  app: 'demo',
  platform: 'ios',
  channel: 'production',
  appVersion: '1.2',
  bundleHash: 'a'.repeat(64),
  clientId: 'device-1',
};

describe('parseCheckRequest', () => {
  it('reads a full request, normalising the version', () => {
    const parsed = parseCheckRequest(valid);
    expect(parsed.deployment).toEqual({ app: 'demo', platform: 'ios', channel: 'production' });
    expect(parsed.update.appVersion.version).toBe('1.2.0');
    expect(parsed.update).toMatchObject({ bundleHash: 'a'.repeat(64), clientId: 'device-1' });
  });

  it('treats an empty bundleHash and clientId as absent (embedded bundle, no id)', () => {
    expect(parseCheckRequest({ ...valid, bundleHash: '', clientId: '' }).update).toMatchObject({
      bundleHash: undefined,
      clientId: undefined,
    });
  });

  it.each([
    [{ app: undefined }, 'app', 'app is missing'],
    [{ app: 'de/mo' }, 'app', 'app name "de/mo" is invalid'],
    [{ platform: 'windows' }, 'platform', 'platform "windows" is not one of ios, android'],
    [{ channel: '..' }, 'channel', 'channel name ".." is invalid'],
    [{ appVersion: undefined }, 'appVersion', 'appVersion is missing'],
    [{ appVersion: 'banana' }, 'appVersion', 'appVersion "banana" is not a semantic version'],
    [{ bundleHash: 'XYZ' }, 'bundleHash', 'bundleHash must be 64 lower-case hex'],
    [{ clientId: 'has space' }, 'clientId', 'clientId must be 1-128 printable ASCII'],
    [{ clientId: 'x'.repeat(300) }, 'clientId', 'clientId is longer than 256 characters'],
  ])('refuses %j naming %s', (override, parameter, message) => {
    const query = Object.fromEntries(
      Object.entries({ ...valid, ...override }).filter(([, value]) => value !== undefined),
    ) as Record<string, string>;
    let error: unknown;
    try {
      parseCheckRequest(query);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ parameter, message: expect.stringContaining(message) });
  });
});
