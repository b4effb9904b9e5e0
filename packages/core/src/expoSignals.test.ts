import { prepareExpoCatalog } from './expoDecision';
import { createExpoSignalMemory, expoSignalDeltas, type ExpoLaunchSignals } from './expoSignals';
import { expoCaseId, expoCatalog } from './testing';

const deployment = { app: 'shop', platform: 'ios' as const, channel: 'production' };
const EMBEDDED = 'eeeeeeee-0000-4000-8000-000000000000';
// v1 and v2 of runtime version 1 (update ids expoCaseId(1), expoCaseId(2)).
const prepared = prepareExpoCatalog(expoCatalog(deployment, [{ runtimeVersion: '1' }, { runtimeVersion: '1' }]));
const v1 = expoCaseId(1);
const v2 = expoCaseId(2);

const request = (overrides: Partial<ExpoLaunchSignals> = {}): ExpoLaunchSignals => ({
  deployment,
  clientId: 'device-1',
  currentUpdateId: EMBEDDED,
  recentFailedUpdateIds: [],
  ...overrides,
});

describe('expoSignalDeltas', () => {
  it('a device running a release: installed and active once, however often it asks', () => {
    const memory = createExpoSignalMemory();
    const first = expoSignalDeltas(prepared, request({ currentUpdateId: v2 }), memory);
    expect(Object.fromEntries(first)).toEqual({ 'v2:UnverifiedSucceeded': 1, 'v2:UnverifiedActive': 1 });
    for (let again = 0; again < 5; again += 1)
      expect(expoSignalDeltas(prepared, request({ currentUpdateId: v2 }), memory).size).toBe(0);
  });

  it('a failed update counts once per device and update; the device moved back off it is no longer active on it', () => {
    const memory = createExpoSignalMemory();
    expoSignalDeltas(prepared, request({ currentUpdateId: v2 }), memory);
    const failed = expoSignalDeltas(prepared, request({ recentFailedUpdateIds: [v2] }), memory);
    expect(Object.fromEntries(failed)).toEqual({ 'v2:UnverifiedFailed': 1, 'v2:UnverifiedActive': -1 });
    expect(expoSignalDeltas(prepared, request({ recentFailedUpdateIds: [v2] }), memory).size).toBe(0);
    // Another device's failure of the same update is its own.
    expect(
      Object.fromEntries(
        expoSignalDeltas(prepared, request({ clientId: 'device-2', recentFailedUpdateIds: [v2, v1] }), memory),
      ),
    ).toEqual({ 'v2:UnverifiedFailed': 1, 'v1:UnverifiedFailed': 1 });
  });

  it('moving from v1 to v2 moves the active device, as a CodePush report with its previous label does', () => {
    const memory = createExpoSignalMemory();
    expoSignalDeltas(prepared, request({ currentUpdateId: v1 }), memory);
    expect(Object.fromEntries(expoSignalDeltas(prepared, request({ currentUpdateId: v2 }), memory))).toEqual({
      'v2:UnverifiedSucceeded': 1,
      'v2:UnverifiedActive': 1,
      'v1:UnverifiedActive': -1,
    });
    // Back on v1 (v2 rolled back): active again, but its install was counted already.
    expect(Object.fromEntries(expoSignalDeltas(prepared, request({ currentUpdateId: v1 }), memory))).toEqual({
      'v1:UnverifiedActive': 1,
      'v2:UnverifiedActive': -1,
    });
  });

  it('ids that are no release of the deployment, and devices without eas-client-id, count nothing', () => {
    const memory = createExpoSignalMemory();
    const other = 'abcdef00-0000-4000-8000-000000000000';
    expect(
      expoSignalDeltas(prepared, request({ currentUpdateId: other, recentFailedUpdateIds: [other, EMBEDDED] }), memory)
        .size,
    ).toBe(0);
    expect(
      expoSignalDeltas(
        prepared,
        request({ clientId: undefined, currentUpdateId: v1, recentFailedUpdateIds: [v2] }),
        memory,
      ).size,
    ).toBe(0);
    expect(memory.size).toBe(0);
  });

  it('the same device and update in another deployment is counted there too', () => {
    const memory = createExpoSignalMemory();
    const staging = { ...deployment, channel: 'staging' };
    expoSignalDeltas(prepared, request({ currentUpdateId: v1 }), memory);
    expect(expoSignalDeltas(prepared, request({ deployment: staging, currentUpdateId: v1 }), memory).size).toBe(2);
  });

  it('the memory stays within its bounds: a device it forgot counts again', () => {
    const memory = createExpoSignalMemory({ maxEntries: 100, maxBytes: 1024 * 1024 });
    for (let device = 0; device < 1000; device += 1)
      expoSignalDeltas(prepared, request({ clientId: `device-${device}`, currentUpdateId: v1 }), memory);
    expect(memory.size).toBeLessThanOrEqual(100);
    expect(expoSignalDeltas(prepared, request({ clientId: 'device-0', currentUpdateId: v1 }), memory).size).toBe(2);
  });
});
