import { normalizeAppVersion } from './appVersion';

describe('normalizeAppVersion', () => {
  it.each([
    ['1.2.3', '1.2.3'],
    ['1.2', '1.2.0'],
    ['3', '3.0.0'],
    ['1.0+metadata', '1.0.0'],
    ['1.0-beta.1', '1.0.0-beta.1'],
    [' 2.1.0 ', '2.1.0'],
  ])('%s → %s', (raw, normalized) => {
    expect(normalizeAppVersion(raw)?.version).toBe(normalized);
  });

  it.each(['', 'abc', '1.2.3.4', 'v1..2', '1.x'])('refuses %j', (raw) => {
    expect(normalizeAppVersion(raw)).toBeNull();
  });
});
