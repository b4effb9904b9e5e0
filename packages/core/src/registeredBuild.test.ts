import { REGISTERED_BUILD_ID_PATTERN, registeredBuildId } from './registeredBuild';

describe('registered build ids', () => {
  it('accepts in a request path exactly the ids registeredBuildId makes', () => {
    for (const id of [
      registeredBuildId({ kind: 'native', binaryVersion: '1.4.0' }),
      registeredBuildId({ kind: 'native', binaryVersion: '2.0.0-beta.1+build.7' }),
      registeredBuildId({ kind: 'expo', embeddedUpdateId: '3A1C0B9E-5F2D-4C77-9A10-6F0E8D2B4C11' }),
    ])
      expect(id).toMatch(REGISTERED_BUILD_ID_PATTERN);
    for (const id of [
      'binary-',
      'binary-1.0.0/../x',
      'expo-3a1c0b9e-5f2d-4c77-9a10-6f0e8d2b4c1',
      'expo-3A1C0B9E-5F2D-4C77-9A10-6F0E8D2B4C11',
      'expo-------------------------------------',
      'native-1.0.0',
    ])
      expect(id).not.toMatch(REGISTERED_BUILD_ID_PATTERN);
  });
});
