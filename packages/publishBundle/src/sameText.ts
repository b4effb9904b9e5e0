import { timingSafeEqual } from 'node:crypto';

/** Constant-time string comparison, so a signature check leaks nothing through its timing. */
export function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
