import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { computePackageHash } from '@hotpatch/core';
import { inspectZip } from './inspectZip';

/** The repository's own copy of code-push-server's test zips (origin and licence in its README). */
const FIXTURES = path.resolve(__dirname, '../../../fixtures/codepush');
const limits = { maxUploadBytes: 1 << 30, maxEntries: 1000, maxUncompressedBytes: 1 << 30, maxCompressionRatio: 200 };

/** fixtures/codepush/README.md: expected package hash and file hash of every fixture. */
const expected: [string, string, string][] = [
  [
    'cli_test_resources_test.zip',
    '9e0499ce7df5c04cb304c9deed684dc137fc603cb484a5b027478143c595d80b',
    '540fed8df3553079e81d1353c5cc4e3cac7db9aea647a85d550f646e8620c317',
  ],
  [
    'api_test_resources_test.zip',
    '9e0499ce7df5c04cb304c9deed684dc137fc603cb484a5b027478143c595d80b',
    '540fed8df3553079e81d1353c5cc4e3cac7db9aea647a85d550f646e8620c317',
  ],
  [
    'cli_test_resources_ignoredMetadata.zip',
    '0862e9c888b5bcc393ba96b659998d68e903df9f04125191144a2904fdefe9ca',
    'eb26be082b6ff6575ca9059844c378688036a642f628b344851686092b0f202a',
  ],
  [
    'api_test_resources_test2.zip',
    '2abb9c9189a175505adf4bda4eed6c51b92d3e86891dca9b3b32bad9264fc1b1',
    '34c56db3733d033f5a4fb5bb1473b5463e20299180e0ed7120f678f0458ce1d5',
  ],
  [
    'api_test_resources_test3.zip',
    'f0c1e8244c3b1bf133a3f70ac9c784529c92d8a4399278739634e9a34a558236',
    '90e7c4627ed5208d26c1848f52d0ff38e6c47b6c64ebfc44e26044f23fb23f46',
  ],
  [
    'api_test_resources_test4.zip',
    '816727ae32ac67cd9e27c2b857140a1d85dea7b53c98e81ac86b8ad2dd0e2126',
    '7e495a8e2694fa384018c5fa587c9994c29c75d77cd3968589d91a06a4e1aa70',
  ],
  [
    'api_test_resources_blob.zip',
    '99fb948da846f4ae552b6bd73ac1e12e4ae3a889159d607997a4aef4f197e7bb',
    '7047e7e318b1ee1326cd9e4deb578b8cb1166414075ade734347166b6cecebfe',
  ],
  [
    'api_test_resources_testdirectories.zip',
    '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
    '38fe07f0cf9d2d73fb122d29affe3635d104ae65d06993aa81a1cb99d71b309d',
  ],
];

describe('CodePush package hash of the fixtures (read with inspectZip)', () => {
  it.each(expected)('%s hashes to %s', async (name, packageHash, fileHash) => {
    const file = path.join(FIXTURES, name);
    const inspection = await inspectZip(file, statSync(file).size, limits);
    if (!inspection.ok) throw new Error(inspection.reasons.join('; '));
    expect(computePackageHash(inspection.contents.files)).toBe(packageHash);
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(fileHash);
  });
});
