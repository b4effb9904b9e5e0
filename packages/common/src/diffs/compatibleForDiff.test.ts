import { compatibleForDiff } from './compatibleForDiff';

describe('compatibleForDiff (microsoft/code-push-server getPackagesToDiff)', () => {
  it.each([
    ['1.0.x', '1.0.x', true],
    ['1.0.x', '~1.0.0', true],
    ['1.0.x', '1.1.x', false],
    ['^1.0.0', '1.2.0', true],
    ['^1.0.0', '2.0.0', false],
    ['1.2.0', '^1.0.0', true],
    ['1.2.0', '1.3.x', false],
    ['1.2.0', '1.2.0', true],
  ])('new %s, old %s: %s', (newRange, oldRange, compatible) => {
    expect(compatibleForDiff(newRange, oldRange)).toBe(compatible);
  });
});
