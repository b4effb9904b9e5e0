import { BadRequestError, NotFoundError, type AppRegistry } from '@hotpatch/common';
import { deploymentProblem, nameProblem, type DeploymentRef, type Platform } from '@hotpatch/core';

/** Validates `:app/:platform/:channel` path parameters and checks the deployment exists (400, 404). */
export async function resolveDeployment(
  registry: AppRegistry,
  parameters: Record<string, string>,
): Promise<DeploymentRef> {
  const { app, platform, channel } = parameters;
  for (const [kind, value] of [
    ['app', app],
    ['platform', platform],
    ['channel', channel],
  ] as const) {
    const problem = nameProblem(kind, value);
    if (problem) throw new BadRequestError(problem, kind);
  }
  const record = await registry.get(app!);
  if (!record) throw new NotFoundError(`unknown app ${JSON.stringify(app)}`);
  const problem = deploymentProblem(record, platform!, channel!);
  if (problem) throw new NotFoundError(problem);
  return { app: app!, platform: platform as Platform, channel: channel! };
}
