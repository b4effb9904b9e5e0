import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bsdiff, bspatch, CorruptPatchError } from './bsdiff';
import { bzip2Compress } from './bzip2';
import { hermesBundlePair, metroBundlePair } from './testing';

/** Applies a patch with Debian's bspatch (package bsdiff), as a device's vendored bspatch would. */
function debianBspatch(old: Uint8Array, patch: Uint8Array): Buffer {
  const work = mkdtempSync(path.join(tmpdir(), 'bspatch-'));
  try {
    writeFileSync(path.join(work, 'old'), old);
    writeFileSync(path.join(work, 'patch'), patch);
    execFileSync('bspatch', [path.join(work, 'old'), path.join(work, 'new'), path.join(work, 'patch')]);
    return readFileSync(path.join(work, 'new'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function debianBsdiffSize(old: Uint8Array, target: Uint8Array): number {
  const work = mkdtempSync(path.join(tmpdir(), 'bsdiff-'));
  try {
    writeFileSync(path.join(work, 'old'), old);
    writeFileSync(path.join(work, 'new'), target);
    execFileSync('bsdiff', [path.join(work, 'old'), path.join(work, 'new'), path.join(work, 'patch')]);
    return readFileSync(path.join(work, 'patch')).length;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

describe('bsdiff (BSDIFF40)', () => {
  const pairs: [string, Uint8Array, Uint8Array][] = [
    ['empty to empty', new Uint8Array(0), new Uint8Array(0)],
    ['empty to text', new Uint8Array(0), text('hello world')],
    ['text to empty', text('hello world'), new Uint8Array(0)],
    ['identical', text('abc'.repeat(1000)), text('abc'.repeat(1000))],
    ['long runs', new Uint8Array(30_000), new Uint8Array(30_001).fill(7, 100, 200)],
    ['metro bundle', ...Object.values(metroBundlePair(200_000))] as [string, Uint8Array, Uint8Array],
    ['hermes-like bytecode', ...Object.values(hermesBundlePair(200_000))] as [string, Uint8Array, Uint8Array],
  ];

  it.each(pairs)('%s: Debian bspatch and our bspatch rebuild the exact target', (_name, old, target) => {
    const patch = bsdiff(old, target);
    expect(Buffer.from(patch.subarray(0, 8)).toString('latin1')).toBe('BSDIFF40');
    expect(debianBspatch(old, patch).equals(Buffer.from(target))).toBe(true);
    expect(Buffer.from(bspatch(old, patch)).equals(Buffer.from(target))).toBe(true);
  });

  it('is no larger than 1.05 × Debian bsdiff on a Metro pair with shifted module ids', () => {
    const { v1, v2 } = metroBundlePair(400_000);
    expect(bsdiff(v1, v2).length).toBeLessThanOrEqual(debianBsdiffSize(v1, v2) * 1.05);
  });

  it('compresses to a bzip2 stream that bzip2 itself decodes, across blocks', () => {
    const input = new Uint8Array(2_000_000);
    for (let i = 0; i < input.length; i += 1) input[i] = (i * 2654435761) >>> 27;
    const decoded = execFileSync('bzip2', ['-dc'], { input: bzip2Compress(input), maxBuffer: 8 << 20 });
    expect(decoded.equals(Buffer.from(input))).toBe(true);
  });

  it('compresses periodic and single-byte blocks (identical rotations) as bzip2 decodes them', () => {
    for (const input of [text('ab'.repeat(50_000)), text('x'), text('abcabcabd'.repeat(3000))]) {
      const decoded = execFileSync('bzip2', ['-dc'], { input: bzip2Compress(input) });
      expect(decoded.equals(Buffer.from(input))).toBe(true);
    }
  });

  it('gives up before compressing when abandonIf says so, with the blocks it would compress', () => {
    const { v1, v2 } = metroBundlePair(50_000);
    const seen: number[] = [];
    const abandoned = bsdiff(v1, v2, {
      abandonIf: ({ diff, extra }) => {
        seen.push(diff.length + extra.length);
        return true;
      },
    });
    expect(abandoned).toBeUndefined();
    expect(seen).toEqual([v2.length]);
    expect(bsdiff(v1, v2, { abandonIf: () => false })).toEqual(bsdiff(v1, v2));
  });

  it('refuses a malformed patch with CorruptPatchError', () => {
    expect(() => bspatch(text('old'), text('not a patch at all, not at all'))).toThrow(CorruptPatchError);
    const patch = bsdiff(text('old bytes'), text('new bytes'));
    patch[40] = patch[40]! ^ 0xff;
    expect(() => bspatch(text('old bytes'), patch)).toThrow(CorruptPatchError);
  });
});
