import { ossV1Signature, ossV1StringToSign, signOssUrl } from './ossV1Signature';

// ali-oss's own signing code, to check that ours signs byte for byte as it does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aliOssSign = require('ali-oss/lib/common/signUtils') as {
  buildCanonicalString(
    method: string,
    resource: string,
    request: { headers: Record<string, string>; parameters?: Record<string, string> },
    expires?: string,
  ): string;
  computeSignature(secret: string, canonical: string): string;
};

describe('OSS V1 signatures, compared with ali-oss', () => {
  it.each([
    [
      'a PUT with metadata, forbid-overwrite and an STS token',
      'PUT',
      'uploads/demo/ios/a b+c.zip',
      {
        'content-type': 'application/zip',
        'content-md5': 'XrY7u+Ae7tCTyyK7j1rNww==',
        'x-oss-date': 'Fri, 27 Nov 2026 04:00:00 GMT',
        'x-oss-meta-target': ' ^1.4.0 ',
        'x-oss-forbid-overwrite': 'true',
        'x-oss-security-token': 'tok',
      },
      {},
    ],
    ['a GET with a non-ASCII key', 'GET', 'dir/中文/文件.js', { 'x-oss-date': 'Fri, 27 Nov 2026 04:00:00 GMT' }, {}],
    [
      'a listing continuation',
      'GET',
      '',
      { 'x-oss-date': 'Fri, 27 Nov 2026 04:00:00 GMT' },
      { 'continuation-token': 'abc' },
    ],
    [
      'a multipart part',
      'PUT',
      'big.zip',
      { 'x-oss-date': 'Fri, 27 Nov 2026 04:00:00 GMT', 'content-type': 'application/octet-stream' },
      { partNumber: '2', uploadId: 'ABCDEF' },
    ],
  ])('%s', (_case, method, key, headers: Record<string, string>, subresources: Record<string, string>) => {
    const ours = ossV1StringToSign({
      method,
      headers,
      date: headers['x-oss-date']!,
      bucket: 'hotpatch',
      key,
      subresources,
    });
    const theirs = aliOssSign.buildCanonicalString(method, `/hotpatch/${key}`, { headers, parameters: subresources });
    expect(ours).toBe(theirs);
    expect(ossV1Signature('secret', ours)).toBe(aliOssSign.computeSignature('secret', theirs));
  });

  it('presigns a URL as ali-oss signatureUrl does (security token included)', () => {
    const url = new URL(
      signOssUrl({
        credentials: { accessKeyId: 'id', accessKeySecret: 'secret', securityToken: 'tok' },
        baseUrl: 'https://b.oss-cn-shanghai.aliyuncs.com',
        bucket: 'b',
        key: 'a b.zip',
        expires: 1800000000,
      }),
    );
    const canonical = aliOssSign.buildCanonicalString(
      'GET',
      '/b/a b.zip',
      { headers: {}, parameters: { 'security-token': 'tok' } },
      '1800000000',
    );
    expect(url.searchParams.get('Signature')).toBe(aliOssSign.computeSignature('secret', canonical));
    expect(url.pathname).toBe('/a%20b.zip');
  });
});
