import { apiGatewayStringToSign } from '@hotpatch/core';
import {
  apiGatewaySignature,
  gatewayBackendStringToSign,
  signApiGatewayRequest,
  signGatewayBackendRequest,
} from './apiGatewaySignature';

describe('API Gateway app signatures', () => {
  it('builds the reference string to sign (docs/protocols/aliyun.md §7 example)', () => {
    const stringToSign = apiGatewayStringToSign(
      {
        method: 'POST',
        path: '/apps/myapp/deployments/Production/release',
        query: { dryRun: '' },
        headers: {
          accept: 'application/json',
          'content-md5': '<base64 md5 of body>',
          'content-type': 'application/json',
          'x-ca-key': '203753',
          'x-ca-nonce': 'b931bc77-645a-4299-b24b-f3669be577ac',
          'x-ca-signature-method': 'HmacSHA256',
          'x-ca-timestamp': '1525872629832',
        },
      },
      ['x-ca-timestamp', 'x-ca-key', 'x-ca-nonce', 'x-ca-signature-method'],
    );
    expect(stringToSign).toBe(
      'POST\napplication/json\n<base64 md5 of body>\napplication/json\n\nx-ca-key:203753\nx-ca-nonce:b931bc77-645a-4299-b24b-f3669be577ac\nx-ca-signature-method:HmacSHA256\nx-ca-timestamp:1525872629832\n/apps/myapp/deployments/Production/release?dryRun',
    );
  });

  it('sorts query parameters and leaves values unencoded', () => {
    expect(apiGatewayStringToSign({ method: 'GET', path: '/v1/x', query: { b: '2', a: 'x y' }, headers: {} }, [])).toBe(
      'GET\n\n\n\n\n/v1/x?a=x y&b=2',
    );
  });

  it('signs a request so that recomputing the signature from the sent headers matches', () => {
    const body = Buffer.from('{"name":"demo"}');
    const headers = signApiGatewayRequest({
      appKey: 'k',
      appSecret: 's',
      method: 'POST',
      path: '/v1/apps',
      body,
      now: 1_700_000_000_000,
      nonce: 'n-1',
    });
    expect(headers).toMatchObject({
      'x-ca-key': 'k',
      'x-ca-nonce': 'n-1',
      'x-ca-timestamp': '1700000000000',
      'x-ca-signature-method': 'HmacSHA256',
      'x-ca-signature-headers': 'x-ca-key,x-ca-nonce,x-ca-signature-method,x-ca-timestamp',
      'content-md5': 'SV1e2w+tCr11OqI6DfkCPw==',
    });
    const expected = apiGatewaySignature(
      's',
      apiGatewayStringToSign(
        { method: 'POST', path: '/v1/apps', query: {}, headers },
        headers['x-ca-signature-headers']!.split(','),
      ),
    );
    expect(headers['x-ca-signature']).toBe(expected);
  });
});

describe("API Gateway's backend signature (gateway → function)", () => {
  it("reproduces the signature of Alibaba's backend signature demo (api-gateway-demo-sign-backend-java)", () => {
    // The demo's request: POST /demo/uri, two signed headers, two query and two form parameters, key DemoKey1.
    const request = {
      method: 'POST',
      path: '/demo/uri',
      query: { QueryKey1: 'QueryValue1', QueryKey2: 'QueryValue2' },
      headers: {
        headerkey1: 'HeaderValue1',
        headerkey2: 'HeaderValue2',
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      },
      body: Buffer.from('FormKey1=FormValue1&FormKey2=FormValue2'),
    };
    expect(gatewayBackendStringToSign(request, ['HeaderKey1', 'HeaderKey2'])).toBe(
      'POST\n\nheaderkey1:HeaderValue1\nheaderkey2:HeaderValue2\n/demo/uri?FormKey1=FormValue1&FormKey2=FormValue2&QueryKey1=QueryValue1&QueryKey2=QueryValue2',
    );
    expect(
      signGatewayBackendRequest({
        key: 'DemoKey1',
        secret: 'DemoSecret1',
        request,
        signedHeaders: ['HeaderKey1', 'HeaderKey2'],
      }),
    ).toEqual({
      'x-ca-proxy-signature': 'C7Lqfn8Spz0DxQTfUJq0NrkEbwNUuTNtC9p3SzRWgv0=',
      'x-ca-proxy-signature-secret-key': 'DemoKey1',
      'x-ca-proxy-signature-headers': 'HeaderKey1,HeaderKey2',
    });
  });

  it('covers a JSON body of a POST by its MD5, skips listed headers that are absent, and keeps empty values as name=', () => {
    const body = Buffer.from('{"name":"demo"}');
    const request = {
      method: 'post',
      path: '/v1/apps',
      query: { dryRun: '' },
      headers: { 'x-ca-key': 'ci-key', 'content-type': 'application/json' },
      body,
    };
    expect(gatewayBackendStringToSign(request, ['x-ca-key', 'x-ca-missing'])).toBe(
      'POST\nSV1e2w+tCr11OqI6DfkCPw==\nx-ca-key:ci-key\n/v1/apps?dryRun=',
    );
    expect(gatewayBackendStringToSign({ ...request, method: 'GET', body: Buffer.alloc(0) }, [])).toBe(
      'GET\n\n/v1/apps?dryRun=',
    );
  });
});
