/** OSS lists keys in UTF-8 byte order, which differs from JavaScript's UTF-16 order for astral characters. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
