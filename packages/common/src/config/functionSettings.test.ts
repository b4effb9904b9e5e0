import { ConfigError } from '../errors';
import { readUploadPrefix } from './functionSettings';

describe('readUploadPrefix', () => {
  it('reads HOTPATCH_UPLOAD_PREFIX, defaulting to uploads/', () => {
    expect(readUploadPrefix({})).toBe('uploads/');
    expect(readUploadPrefix({ HOTPATCH_UPLOAD_PREFIX: 'inbox/releases/' })).toBe('inbox/releases/');
  });

  it('refuses a prefix overlapping one hotpatch owns, since gc deletes everything under the upload prefix by age', () => {
    for (const prefix of ['logs/', 'apps/', 'catalogs/shop/', 'keys/'])
      expect(() => readUploadPrefix({ HOTPATCH_UPLOAD_PREFIX: prefix })).toThrow(ConfigError);
    expect(() => readUploadPrefix({ HOTPATCH_UPLOAD_PREFIX: 'logs/' })).toThrow(/overlaps logs\//);
    expect(() => readUploadPrefix({ HOTPATCH_UPLOAD_PREFIX: 'uploads' })).toThrow(/must be key segments/);
  });
});
