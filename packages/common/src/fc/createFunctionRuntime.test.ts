import { createFunctionRuntime } from './createFunctionRuntime';

describe('createFunctionRuntime', () => {
  it('refuses a bad log level naming the variable it came from', () => {
    expect(() => createFunctionRuntime('f', { HOTPATCH_LOG_LEVEL: 'loud' })).toThrow(/^HOTPATCH_LOG_LEVEL/);
    expect(() => createFunctionRuntime('f', { ALIYUN_FC_LOG_LEVEL: 'loud' })).toThrow(/^ALIYUN_FC_LOG_LEVEL/);
    expect(() => createFunctionRuntime('f', { ALIYUN_FC_LOG_LEVEL: 'warn' })).not.toThrow();
  });
});
