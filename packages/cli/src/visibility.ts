/**
 * When devices will see a change, from the delay the server reports with it (the check path's catalog TTL);
 * nothing when the server does not report one.
 */
export function visibilityLine(visibleWithinSeconds: number | undefined): string | undefined {
  if (visibleWithinSeconds === undefined) return undefined;
  return visibleWithinSeconds === 0
    ? 'visible to devices on their next check'
    : `visible to devices within ${visibleWithinSeconds} s`;
}
