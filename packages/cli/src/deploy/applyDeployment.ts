import type FCClient from '@alicloud/fc2';
import { isDeepStrictEqual } from 'node:util';
import { CliError } from '../CliError';
import type { DesiredState } from './desiredState';

export type DeployAction = {
  resource: string;
  action: 'create' | 'update' | 'unchanged' | 'delete';
  changes: string[];
};

interface FcError {
  code?: string;
  message?: string;
}

const isNotFound = (error: unknown): boolean => /NotFound$/.test((error as FcError).code ?? '');
const isAlreadyExists = (error: unknown): boolean => /AlreadyExists$/.test((error as FcError).code ?? '');

async function current(
  read: () => Promise<{ data: Record<string, unknown> }>,
): Promise<Record<string, unknown> | undefined> {
  try {
    return (await read()).data;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether `existing` has everything `wanted` sets (FC adds fields of its own, which do not count). */
function covers(existing: unknown, wanted: unknown): boolean {
  if (isPlainObject(wanted))
    return isPlainObject(existing) && Object.entries(wanted).every(([key, value]) => covers(existing[key], value));
  return isDeepStrictEqual(existing, wanted);
}

/**
 * The fields of `wanted` that `existing` does not already have. The environment is compared whole: FC adds no
 * variable of its own, and one the desired state dropped (signer keys, the gateway key pair) must go.
 */
function differences(existing: Record<string, unknown>, wanted: Record<string, unknown>): string[] {
  return Object.keys(wanted).filter((field) =>
    field === 'environmentVariables'
      ? !isDeepStrictEqual(existing[field] ?? {}, wanted[field])
      : !covers(existing[field], wanted[field]),
  );
}

/**
 * Brings an FC 2.0 service to the desired state with the fc2 SDK: each resource is read, then created,
 * updated (only the fields that differ; code only when its hash differs) or left alone. Idempotent: a second
 * run finds everything unchanged. A create that finds the resource already there (someone else made it
 * meanwhile) becomes an update. With `dryRun`, only reads are made and the plan is returned.
 */
export async function applyDeployment(client: FCClient, state: DesiredState, dryRun: boolean): Promise<DeployAction[]> {
  const actions: DeployAction[] = [];
  const serviceName = state.service.serviceName;

  async function converge(
    resource: string,
    read: () => Promise<{ data: Record<string, unknown> }>,
    comparable: Record<string, unknown>,
    create: () => Promise<unknown>,
    update: (changes: string[]) => Promise<unknown>,
  ): Promise<void> {
    const existing = await current(read);
    if (!existing) {
      actions.push({ resource, action: 'create', changes: [] });
      if (dryRun) return;
      try {
        await create();
      } catch (error) {
        if (!isAlreadyExists(error)) throw error;
        await update(Object.keys(comparable));
        actions[actions.length - 1] = { resource, action: 'update', changes: ['(already existed)'] };
      }
      return;
    }
    const changes = differences(existing, comparable);
    actions.push({ resource, action: changes.length > 0 ? 'update' : 'unchanged', changes });
    if (!dryRun && changes.length > 0) await update(changes);
  }

  try {
    const { serviceName: _name, ...serviceOptions } = state.service;
    await converge(
      `service ${serviceName}`,
      () => client.getService(serviceName),
      serviceOptions,
      () => client.createService(serviceName, serviceOptions),
      () => client.updateService(serviceName, serviceOptions),
    );

    for (const fn of state.functions) {
      const { zipFile, ...config } = fn;
      const { functionName: _fn, ...comparable } = config;
      const withCode = { ...config, code: { zipFile } };
      await converge(
        `function ${fn.functionName}`,
        () => client.getFunction(serviceName, fn.functionName),
        comparable,
        () => client.createFunction(serviceName, withCode),
        (changes) => {
          const { functionName: _name2, ...updatable } = config;
          // The code hash lives in the environment: new code changes it, and only then is the zip sent.
          const codeChanged = changes.includes('environmentVariables');
          return client.updateFunction(
            serviceName,
            fn.functionName,
            codeChanged ? { ...updatable, code: { zipFile } } : updatable,
          );
        },
      );
    }

    for (const trigger of state.triggers) {
      const { functionName, ...options } = trigger;
      const { triggerName, triggerType: _type, sourceArn: _source, ...comparable } = options;
      await converge(
        `trigger ${functionName}/${triggerName}`,
        () => client.getTrigger(serviceName, functionName, triggerName),
        comparable,
        () => client.createTrigger(serviceName, functionName, options),
        () => client.updateTrigger(serviceName, functionName, triggerName, comparable),
      );
    }

    for (const { functionName, triggerName } of state.absentTriggers) {
      if (!(await current(() => client.getTrigger(serviceName, functionName, triggerName)))) continue;
      actions.push({ resource: `trigger ${functionName}/${triggerName}`, action: 'delete', changes: [] });
      if (!dryRun) await client.deleteTrigger(serviceName, functionName, triggerName);
    }
  } catch (error) {
    const fcError = error as FcError;
    throw new CliError(
      `FC refused the deployment: ${fcError.code ?? 'error'}: ${(fcError.message ?? String(error)).replace(/\s+/g, ' ')}`,
    );
  }
  return actions;
}
