import { RangeNotSatisfiableError } from '../errors';
import type { ByteRange } from './ObjectStore';

/** Serves a byte range clamped to the object, as OSS does; a start past the end is an error. */
export function clampRange(size: number, range: ByteRange, key: string): { start: number; end: number } {
  const end = Math.min(range.end ?? size - 1, size - 1);
  if (range.start < 0 || range.start >= size || end < range.start) {
    throw new RangeNotSatisfiableError(
      key,
      size,
      `range ${range.start}-${range.end ?? ''} is not satisfiable for ${size} bytes`,
    );
  }
  return { start: range.start, end };
}
