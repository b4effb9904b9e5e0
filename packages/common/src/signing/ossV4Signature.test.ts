import {
  ossUriDecode,
  ossUriEncode,
  ossV4CanonicalRequest,
  ossV4DateTime,
  ossV4Scope,
  ossV4Signature,
  ossV4StringToSign,
  parseOssV4DateTime,
} from './ossV4Signature';

// ali-oss's own V4 signing code, to check that ours signs byte for byte as it does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aliOssSign = require('ali-oss/lib/common/signUtils') as {
  getCanonicalRequest(
    method: string,
    request: { headers: Record<string, string>; queries?: Record<string, string | null> },
    bucket?: string,
    object?: string,
    additionalHeaders?: string[],
  ): string;
  getStringToSign(region: string, date: string, canonicalRequest: string): string;
  getSignatureV4(secret: string, date: string, region: string, stringToSign: string): string;
};

describe('OSS V4 signatures, compared with ali-oss', () => {
  it.each([
    [
      'a PUT with metadata, forbid-overwrite and an STS token',
      'PUT',
      'uploads/demo/ios/a b+c(1)!.zip',
      {
        'content-type': 'application/zip',
        'content-md5': 'XrY7u+Ae7tCTyyK7j1rNww==',
        'x-oss-date': '20261127T040000Z',
        'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
        'x-oss-meta-target': ' ^1.4.0 ',
        'x-oss-forbid-overwrite': 'true',
        'x-oss-security-token': 'tok',
      },
      {},
      [],
    ],
    [
      'a GET with a non-ASCII key and an additional header',
      'GET',
      'dir/中文/文件.js',
      {
        'x-oss-date': '20261127T040000Z',
        'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
        host: 'b.oss-cn-hangzhou.aliyuncs.com',
      },
      {},
      ['host'],
    ],
    [
      'a listing continuation',
      'GET',
      '',
      { 'x-oss-date': '20261127T040000Z', 'x-oss-content-sha256': 'UNSIGNED-PAYLOAD' },
      { 'list-type': '2', 'continuation-token': 'ab+/=', prefix: 'a b/', 'encoding-type': 'url' },
      [],
    ],
    [
      'a multipart initiation (a sub-resource without a value)',
      'POST',
      'big.zip',
      { 'x-oss-date': '20261127T040000Z', 'content-type': 'application/octet-stream' },
      { uploads: null },
      [],
    ],
  ])(
    '%s',
    (
      _case,
      method,
      key,
      headers: Record<string, string>,
      queries: Record<string, string | null>,
      additional: string[],
    ) => {
      const ours = ossV4CanonicalRequest({
        method,
        bucket: 'hotpatch',
        key,
        headers,
        query: Object.entries(queries).map(([name, value]) => [name, value ?? '']),
        additionalHeaders: additional,
      });
      const theirs = aliOssSign.getCanonicalRequest(method, { headers, queries }, 'hotpatch', key, additional);
      expect(ours).toBe(theirs);
      const stringToSign = ossV4StringToSign('20261127T040000Z', ossV4Scope('20261127', 'cn-hangzhou'), ours);
      expect(stringToSign).toBe(aliOssSign.getStringToSign('cn-hangzhou', '20261127T040000Z', theirs));
      expect(ossV4Signature('secret', '20261127', 'cn-hangzhou', stringToSign)).toBe(
        aliOssSign.getSignatureV4('secret', '20261127', 'cn-hangzhou', stringToSign),
      );
    },
  );

  it('encodes for URLs strictly (only unreserved characters kept) and decodes as the SDKs do', () => {
    expect(ossUriEncode("a b+c/d!'()*~._-中")).toBe('a%20b%2Bc%2Fd%21%27%28%29%2A~._-%E4%B8%AD');
    expect(ossUriEncode('a b/c', true)).toBe('a%20b/c');
    expect(ossUriDecode('a+b%2Bc%2F%E4%B8%AD')).toBe('a b+c/中');
  });

  it('formats and parses V4 times', () => {
    expect(ossV4DateTime(new Date(Date.UTC(2026, 10, 27, 4, 5, 6, 789)))).toBe('20261127T040506Z');
    expect(parseOssV4DateTime('20261127T040506Z')).toBe(Date.UTC(2026, 10, 27, 4, 5, 6));
    expect(parseOssV4DateTime('Fri, 27 Nov 2026 04:00:00 GMT')).toBeNaN();
  });
});
