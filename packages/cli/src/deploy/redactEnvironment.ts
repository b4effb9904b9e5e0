import { EXPO_KEY_ENCRYPTION_KEY_VARIABLE, MANAGEMENT_KEYS_VARIABLE, REDACTED } from '@hotpatch/common';

/** Variables whose whole value is a secret: the signer's and the gateway's secret, any future `*_SECRET`. */
const SECRET_VARIABLE = /SECRET/;
/** Named secrets the pattern does not catch. */
const SECRET_VARIABLES = new Set<string>([EXPO_KEY_ENCRYPTION_KEY_VARIABLE]);

/**
 * A function's environment as `hotpatch deploy` may print it: every secret replaced, so a plan (`--dry-run`)
 * or `--json` output can be pasted into a ticket. The management keys keep their ids, roles and apps (what a
 * reviewer checks) and lose their secrets.
 */
export function redactEnvironment(environment: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => {
      if (name === MANAGEMENT_KEYS_VARIABLE)
        return [
          name,
          value
            .split(',')
            .map((entry) =>
              entry
                .trim()
                .split(':')
                .map((part, index) => (index === 1 && part !== '' ? REDACTED : part))
                .join(':'),
            )
            .join(','),
        ];
      return [name, SECRET_VARIABLE.test(name) || SECRET_VARIABLES.has(name) ? REDACTED : value];
    }),
  );
}
