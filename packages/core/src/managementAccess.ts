import { nameProblem } from './names';

/**
 * Roles of management keys, weakest first: each role may do everything the roles before it may.
 * `read` looks (history, metrics, upload status, apps, its own scope), `release` changes releases (promote, patch, rollback, rollback to the embedded bundle),
 * `admin` changes apps (create apps, add and remove channels, rotate deployment keys).
 */
export const MANAGEMENT_ROLES = ['read', 'release', 'admin'] as const;
export type ManagementRole = (typeof MANAGEMENT_ROLES)[number];

/**
 * Every management action, the weakest role allowed to do it, and how a refusal names it. The one
 * role → permission table: publishBundle's routes name an action, and nothing else decides who may do what.
 */
export const MANAGEMENT_ACTIONS = {
  listApps: { role: 'read', verb: 'list apps' },
  showApp: { role: 'read', verb: 'show apps' },
  history: { role: 'read', verb: 'read history' },
  metrics: { role: 'read', verb: 'read metrics' },
  releaseHealth: { role: 'read', verb: 'read release health' },
  explain: { role: 'read', verb: 'explain update decisions' },
  uploadStatus: { role: 'read', verb: 'read upload outcomes' },
  listBuilds: { role: 'read', verb: 'list registered builds' },
  health: { role: 'read', verb: "read the function's health" },
  whoami: { role: 'read', verb: 'read its own scope' },
  promote: { role: 'release', verb: 'promote' },
  patch: { role: 'release', verb: 'patch releases' },
  rollback: { role: 'release', verb: 'roll back' },
  rollbackToEmbedded: { role: 'release', verb: 'roll back to the embedded bundle' },
  registerBuild: { role: 'release', verb: 'register builds' },
  removeBuild: { role: 'release', verb: 'remove registered builds' },
  createApp: { role: 'admin', verb: 'create apps' },
  addChannel: { role: 'admin', verb: 'add channels' },
  removeChannel: { role: 'admin', verb: 'remove channels' },
  rotateKeys: { role: 'admin', verb: 'rotate deployment keys' },
  setHaltPolicy: { role: 'admin', verb: 'set halt policies' },
  gc: { role: 'admin', verb: 'collect garbage' },
} as const satisfies Record<string, { role: ManagementRole; verb: string }>;
export type ManagementAction = keyof typeof MANAGEMENT_ACTIONS;

/** What one management key may do: its role, on the apps named (or on every app, `*`). */
export interface KeyScope {
  role: ManagementRole;
  apps: '*' | readonly string[];
}

/** The scope of a key configured without one: everything, as every key could before scopes existed. */
export const UNSCOPED_KEY: KeyScope = { role: 'admin', apps: '*' };

/** Whether `role` includes `needed` (admin ⊇ release ⊇ read). */
export function roleIncludes(role: ManagementRole, needed: ManagementRole): boolean {
  return MANAGEMENT_ROLES.indexOf(role) >= MANAGEMENT_ROLES.indexOf(needed);
}

/** Whether a scope covers an app. */
export function scopeCoversApp(scope: KeyScope, app: string): boolean {
  return scope.apps === '*' || scope.apps.includes(app);
}

/** `admin on *`, `release on shop, web`: a scope as refusals and docs show it. */
export function describeScope(scope: KeyScope): string {
  return `${scope.role} on ${scope.apps === '*' ? '*' : scope.apps.join(', ')}`;
}

/**
 * Why `key` may not do `action` (on `app`, when the action touches one), or undefined when it may. The message
 * names the missing permission, e.g. `key "ci" may not promote: needs role release on app shop (it has read on *)`.
 */
export function accessProblem(
  key: string,
  scope: KeyScope,
  action: ManagementAction,
  app: string | undefined,
): string | undefined {
  const { role, verb } = MANAGEMENT_ACTIONS[action];
  if (roleIncludes(scope.role, role) && (app === undefined || scopeCoversApp(scope, app))) return undefined;
  return `key ${JSON.stringify(key)} may not ${verb}: needs role ${role}${app === undefined ? '' : ` on app ${app}`} (it has ${describeScope(scope)})`;
}

/**
 * Reads the scope part of a configured key, `role[:apps]` with apps `*` or `app1|app2`; no role at all is
 * `admin` on `*`. Answers the scope, or a message saying what is wrong.
 */
export function parseKeyScope(role: string | undefined, apps: string | undefined): KeyScope | { problem: string } {
  if (role === undefined) return UNSCOPED_KEY;
  if (!(MANAGEMENT_ROLES as readonly string[]).includes(role))
    return { problem: `unknown role ${JSON.stringify(role)} (use ${MANAGEMENT_ROLES.join(', ')})` };
  if (apps === undefined || apps === '*') return { role: role as ManagementRole, apps: '*' };
  const names = apps.split('|');
  for (const name of names) {
    const problem = nameProblem('app', name);
    if (problem) return { problem: `${problem} (apps are "*" or names separated by "|")` };
  }
  return { role: role as ManagementRole, apps: [...new Set(names)] };
}
