import { createLogger } from './createLogger';

function capture(level?: 'debug' | 'info' | 'warn' | 'error') {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ service: 'uploadBundle', ...(level ? { level } : {}), write: (line) => lines.push(JSON.parse(line)), now: () => new Date('2026-11-27T00:00:00Z') });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes one JSON line per entry with the stable keys and per-invocation keys', () => {
    const { logger, lines } = capture();
    logger.startInvocation({ requestId: 'req-1', coldStart: true });
    logger.appendKeys({ upload_key: 'uploads/demo/ios/a.zip' });
    logger.info('validated', { entries: 3 });
    expect(lines).toEqual([
      { level: 'info', message: 'validated', timestamp: '2026-11-27T00:00:00.000Z', service: 'uploadBundle', request_id: 'req-1', cold_start: true, upload_key: 'uploads/demo/ios/a.zip', entries: 3 },
    ]);
  });

  it('drops the previous invocation keys when the next invocation starts', () => {
    const { logger, lines } = capture();
    logger.startInvocation({ requestId: 'req-1', coldStart: true });
    logger.appendKeys({ upload_key: 'a' });
    logger.startInvocation({ requestId: 'req-2', coldStart: false });
    logger.info('next');
    expect(lines[0]).toMatchObject({ request_id: 'req-2', cold_start: false });
    expect(lines[0]).not.toHaveProperty('upload_key');
  });

  it('filters by level', () => {
    const { logger, lines } = capture('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((line) => line.level)).toEqual(['warn', 'error']);
  });

  it('never logs secrets or signed URLs', () => {
    const { logger, lines } = capture();
    logger.info('downloaded https://b.oss-cn-shanghai.aliyuncs.com/a.zip?OSSAccessKeyId=LTAI&Expires=1&Signature=abc%2B', {
      accessKeySecret: 'shh',
      credentials: { accessKeyId: 'id', accessKeySecret: 'shh' },
      headers: { authorization: 'OSS id:sig', 'x-ca-signature': 'sig' },
      url: 'http://x/y?security-token=TOKVALUE&a=1',
      error: new Error('failed at http://x/y?Signature=zzz'),
    });
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/shh|abc%2B|OSS id:sig|"sig"|TOKVALUE|zzz|LTAI/);
    expect(lines[0]).toMatchObject({ url: 'http://x/y?security-token=[redacted]&a=1' });
  });
});
