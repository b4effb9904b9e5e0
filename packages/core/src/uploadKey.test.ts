import { parseUploadKey } from './uploadKey';

describe('parseUploadKey', () => {
  it('reads app, platform, file name and kind', () => {
    expect(parseUploadKey('uploads/demo/ios/1.2.0-fix.zip', 'uploads/')).toEqual({
      kind: 'ok',
      app: 'demo',
      platform: 'ios',
      fileName: '1.2.0-fix.zip',
      format: 'zip',
      uploadPath: 'demo/ios/1.2.0-fix.zip',
    });
    expect(parseUploadKey('uploads/demo/android/index.android.bundle', 'uploads/')).toMatchObject({
      kind: 'ok',
      format: 'bundle',
    });
    expect(parseUploadKey('uploads/demo/android/main.hbc', 'uploads/')).toMatchObject({ kind: 'ok', format: 'bundle' });
  });

  it.each([
    ['elsewhere/demo/ios/a.zip', 'outside the upload prefix'],
    ['uploads/demo/a.zip', 'does not match the upload pattern'],
    ['uploads/demo/ios/extra/a.zip', 'does not match the upload pattern'],
    ['uploads/demo/windows/a.zip', 'platform "windows" is not one of ios, android'],
    ['uploads/de mo/ios/a.zip', 'app name "de mo" is invalid'],
    ['uploads/demo/ios/notes.txt', 'does not match the upload pattern'],
    ['uploads/demo/ios/..zip', 'file name must be'],
    ['uploads/demo/ios/ünïcode.zip', 'file name must be'],
  ])('rejects %s', (key, reason) => {
    const parsed = parseUploadKey(key, 'uploads/');
    expect(parsed).toEqual({ kind: 'invalid', reasons: [expect.stringContaining(reason)] });
  });
});
