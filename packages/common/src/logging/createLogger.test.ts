import { runInvocation, runWithOwnKeys } from '../fc/invocationScope';
import { createLogger } from './createLogger';

function capture(level?: 'debug' | 'info' | 'warn' | 'error') {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'uploadBundle',
    ...(level ? { level } : {}),
    write: (line) => lines.push(JSON.parse(line)),
    now: () => new Date('2026-11-27T00:00:00Z'),
  });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes one JSON line per entry with the stable keys and per-invocation keys', () => {
    const { logger, lines } = capture();
    runInvocation({ requestId: 'req-1', coldStart: true }, () => {
      logger.appendKeys({ upload_key: 'uploads/demo/ios/a.zip' });
      logger.info('validated', { entries: 3 });
    });
    expect(lines).toEqual([
      {
        level: 'info',
        message: 'validated',
        timestamp: '2026-11-27T00:00:00.000Z',
        service: 'uploadBundle',
        request_id: 'req-1',
        cold_start: true,
        upload_key: 'uploads/demo/ios/a.zip',
        entries: 3,
      },
    ]);
  });

  it('keeps each invocation keys to itself, however their awaits interleave', async () => {
    const { logger, lines } = capture();
    const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
    const invocation = (requestId: string) =>
      runInvocation({ requestId, coldStart: false }, async () => {
        await tick();
        logger.appendKeys({ upload_key: requestId });
        await tick();
        logger.info('step');
      });
    await Promise.all([invocation('req-1'), invocation('req-2'), invocation('req-3')]);
    logger.info('outside');
    expect(lines.slice(0, 3).map((line) => [line.request_id, line.upload_key])).toEqual([
      ['req-1', 'req-1'],
      ['req-2', 'req-2'],
      ['req-3', 'req-3'],
    ]);
    expect(lines[3]).not.toHaveProperty('request_id');
    expect(lines[3]).not.toHaveProperty('upload_key');
  });

  it('gives work run with its own keys a copy: what it appends stays with it', () => {
    const { logger, lines } = capture();
    runInvocation({ requestId: 'req-1', coldStart: false }, () => {
      logger.appendKeys({ method: 'PUT' });
      runWithOwnKeys(() => logger.appendKeys({ upload_key: 'a' }));
      logger.info('after');
    });
    expect(lines[0]).toMatchObject({ request_id: 'req-1', method: 'PUT' });
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
    logger.info(
      'downloaded https://b.oss-cn-shanghai.aliyuncs.com/a.zip?OSSAccessKeyId=LTAI&Expires=1&Signature=abc%2B',
      {
        accessKeySecret: 'shh',
        credentials: { accessKeyId: 'id', accessKeySecret: 'shh' },
        headers: { authorization: 'OSS id:sig', 'x-ca-signature': 'sig' },
        url: 'http://x/y?security-token=TOKVALUE&a=1',
        error: new Error('failed at http://x/y?Signature=zzz'),
      },
    );
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/shh|abc%2B|OSS id:sig|"sig"|TOKVALUE|zzz|LTAI/);
    expect(lines[0]).toMatchObject({ url: 'http://x/y?security-token=[redacted]&a=1' });
  });
});
