import { computePackageHash, isCodePushSignature, isIgnoredForPackageHash } from './packageHash';

describe('computePackageHash', () => {
  it('reproduces the reference vector of test.zip from its manifest (docs/protocols/codepush.md §5)', () => {
    const files = [
      { path: 'd.txt', sha256: '18ac3e7343f016890c510e93f935261169d9e3f565436429830faf0934f4f8e4' },
      { path: 'b.txt', sha256: '3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d' },
      { path: 'c.txt', sha256: '2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6' },
    ];
    expect(computePackageHash(files)).toBe('9e0499ce7df5c04cb304c9deed684dc137fc603cb484a5b027478143c595d80b');
  });

  it('leaves __MACOSX, .DS_Store and .codepushrelease out, at any depth', () => {
    const index = {
      path: 'www/index.html',
      sha256: 'b0693dc92f76e08bf1485b3dd9b514a2e31dfd6f39422a6b60edb722671dc98f',
    };
    const noise = ['.DS_Store', '__MACOSX/os_data', 'www/.DS_Store', 'CodePush/.codepushrelease'].map((path) => ({
      path,
      sha256: '0'.repeat(64),
    }));
    expect(computePackageHash([index, ...noise])).toBe(
      '0862e9c888b5bcc393ba96b659998d68e903df9f04125191144a2904fdefe9ca',
    );
  });

  it('hashes an empty package as sha256 of "[]"', () => {
    expect(computePackageHash([])).toBe('4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945');
  });

  it.each([
    ['__MACOSX/._b.txt', true],
    ['a/.DS_Store', true],
    ['.codepushrelease', true],
    ['CodePush/index.android.bundle', false],
    ['x__MACOSX/a', false],
    ['a.DS_Store', false],
  ])('isIgnoredForPackageHash(%s) is %s', (path, ignored) => {
    expect(isIgnoredForPackageHash(path)).toBe(ignored);
  });

  it.each([
    ['.codepushrelease', true],
    ['CodePush/.codepushrelease', true],
    ['CodePush/x.codepushrelease', false],
    ['CodePush/.codepushrelease/a', false],
  ])('isCodePushSignature(%s) is %s', (path, signature) => {
    expect(isCodePushSignature(path)).toBe(signature);
  });
});
