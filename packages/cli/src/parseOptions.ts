import { InvalidArgumentError } from 'commander';

/** `--rollout 20`: a whole percentage from 1 to 100. */
export function parsePercentage(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 100)
    throw new InvalidArgumentError('a whole percentage from 1 to 100');
  return Number(value);
}

/** A positive whole number. */
export function parsePositiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('a positive whole number');
  return Number(value);
}

/** `--platforms ios,android`. */
export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** `--halt-failure-rate 10`: a percentage above 0, at most 100 (decimals allowed). */
export function parseFailureRate(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0 || Number(value) > 100)
    throw new InvalidArgumentError('a percentage above 0 and at most 100');
  return Number(value);
}
