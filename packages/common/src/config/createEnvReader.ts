import { ConfigError } from '../errors';

export type Env = Record<string, string | undefined>;

export interface EnvReader {
  /** A required string; `fallback` makes it optional. */
  string(name: string, options?: { fallback?: string; pattern?: RegExp; hint?: string }): string;
  optionalString(name: string, options?: { pattern?: RegExp; hint?: string }): string | undefined;
  integer(name: string, options: { fallback: number; min?: number; max?: number }): number;
  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T;
  url(name: string, fallback?: string): string;
  optionalUrl(name: string): string | undefined;
}

/**
 * Typed reads of environment variables. Every failure is a `ConfigError` naming the variable and what was
 * expected, thrown when the function starts, so a misconfigured deployment fails loudly before serving.
 */
export function createEnvReader(env: Env): EnvReader {
  const raw = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };

  const optionalString: EnvReader['optionalString'] = (name, options = {}) => {
    const value = raw(name);
    if (value !== undefined && options.pattern && !options.pattern.test(value)) {
      throw new ConfigError(name, `malformed value ${JSON.stringify(value)}${options.hint ? `: ${options.hint}` : ''}`);
    }
    return value;
  };

  const optionalUrl = (name: string): string | undefined => {
    const value = raw(name);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      throw new ConfigError(name, `expected an http(s) URL, got ${JSON.stringify(value)}`);
    }
    return value.replace(/\/+$/, '');
  };

  return {
    string(name, options = {}) {
      const value = optionalString(name, options) ?? options.fallback;
      if (value === undefined)
        throw new ConfigError(name, `is required but not set${options.hint ? ` (${options.hint})` : ''}`);
      return value;
    },
    optionalString,
    integer(name, options) {
      const value = raw(name);
      if (value === undefined) return options.fallback;
      const parsed = Number(value);
      if (
        !/^-?\d+$/.test(value) ||
        (options.min !== undefined && parsed < options.min) ||
        (options.max !== undefined && parsed > options.max)
      ) {
        throw new ConfigError(
          name,
          `expected an integer${options.min !== undefined ? ` ≥ ${options.min}` : ''}${options.max !== undefined ? ` ≤ ${options.max}` : ''}, got ${JSON.stringify(value)}`,
        );
      }
      return parsed;
    },
    oneOf(name, values, fallback) {
      const value = raw(name);
      if (value === undefined) return fallback;
      if (!(values as readonly string[]).includes(value))
        throw new ConfigError(name, `expected one of ${values.join(', ')}, got ${JSON.stringify(value)}`);
      return value as (typeof values)[number];
    },
    url(name, fallback) {
      const value = optionalUrl(name) ?? fallback;
      if (value === undefined) throw new ConfigError(name, 'is required but not set (an http(s) URL)');
      return value;
    },
    optionalUrl,
  };
}
