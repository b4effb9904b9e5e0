import { apiGatewaySignature, apiGatewayStringToSign, signApiGatewayRequest } from './apiGatewaySignature';

describe('API Gateway app signatures', () => {
  it('builds the reference string to sign (docs/protocols/aliyun.md §7 example)', () => {
    const stringToSign = apiGatewayStringToSign(
      {
        method: 'POST',
        path: '/apps/myapp/deployments/Production/release',
        query: { dryRun: '' },
        headers: { accept: 'application/json', 'content-md5': '<base64 md5 of body>', 'content-type': 'application/json', 'x-ca-key': '203753', 'x-ca-nonce': 'b931bc77-645a-4299-b24b-f3669be577ac', 'x-ca-signature-method': 'HmacSHA256', 'x-ca-timestamp': '1525872629832' },
      },
      ['x-ca-timestamp', 'x-ca-key', 'x-ca-nonce', 'x-ca-signature-method'],
    );
    expect(stringToSign).toBe(
      'POST\napplication/json\n<base64 md5 of body>\napplication/json\n\nx-ca-key:203753\nx-ca-nonce:b931bc77-645a-4299-b24b-f3669be577ac\nx-ca-signature-method:HmacSHA256\nx-ca-timestamp:1525872629832\n/apps/myapp/deployments/Production/release?dryRun',
    );
  });

  it('sorts query parameters and leaves values unencoded', () => {
    expect(apiGatewayStringToSign({ method: 'GET', path: '/v1/x', query: { b: '2', a: 'x y' }, headers: {} }, [])).toBe('GET\n\n\n\n\n/v1/x?a=x y&b=2');
  });

  it('signs a request so that recomputing the signature from the sent headers matches', () => {
    const body = Buffer.from('{"name":"demo"}');
    const headers = signApiGatewayRequest({ appKey: 'k', appSecret: 's', method: 'POST', path: '/v1/apps', body, now: 1_700_000_000_000, nonce: 'n-1' });
    expect(headers).toMatchObject({ 'x-ca-key': 'k', 'x-ca-nonce': 'n-1', 'x-ca-timestamp': '1700000000000', 'x-ca-signature-method': 'HmacSHA256', 'x-ca-signature-headers': 'x-ca-key,x-ca-nonce,x-ca-signature-method,x-ca-timestamp', 'content-md5': 'SV1e2w+tCr11OqI6DfkCPw==' });
    const expected = apiGatewaySignature('s', apiGatewayStringToSign({ method: 'POST', path: '/v1/apps', query: {}, headers }, headers['x-ca-signature-headers']!.split(',')));
    expect(headers['x-ca-signature']).toBe(expected);
  });
});
