/**
 * Every bounded memory of a warm getLatestBundle instance, summed at its byte bound, stays within half of the
 * function's memory: their keys come from anonymous requests, so all of them can be full at once, and the other
 * half is for the requests in flight (up to the instance concurrency), the runtime and the heap's slack.
 */
import { FUNCTION_SIZING } from '@hotpatch/common';
import { EXPO_SIGNAL_MEMORY_LIMITS } from '@hotpatch/core';
import { CHECK_CACHE_LIMITS } from './createGetLatestBundleHandler';
import { EXPO_CACHE_LIMITS } from './expoResponses';
import { EXPO_HEADER_MEMO_LIMITS } from './parseExpoRequest';

const MiB = 1024 * 1024;

it('all of getLatestBundle cache bounds add up to at most half of its memory', () => {
  const { missTtlMs: _ttl, ...checkCaches } = CHECK_CACHE_LIMITS;
  const bounds = [
    ...Object.values(checkCaches).flatMap(({ found, misses }) => [found.maxBytes, misses.maxBytes]),
    ...Object.values(EXPO_CACHE_LIMITS).map(({ maxBytes }) => maxBytes),
    EXPO_SIGNAL_MEMORY_LIMITS.maxBytes,
    // The Accept and expo-expect-signature memos.
    2 * EXPO_HEADER_MEMO_LIMITS.maxBytes,
  ];
  const total = bounds.reduce((sum, bytes) => sum + bytes, 0);
  expect(total / MiB).toBeLessThanOrEqual(FUNCTION_SIZING.getLatestBundle.memorySize / 2);
  // Anonymous requests fill the signal memory: it is a small share of the budget.
  expect(EXPO_SIGNAL_MEMORY_LIMITS.maxBytes).toBeLessThanOrEqual(16 * MiB);
});
