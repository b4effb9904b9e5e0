import {
  BadRequestError,
  jsonResponse,
  NotFoundError,
  type AppRegistry,
  type HttpRequest,
  type HttpResponse,
} from '@hotpatch/common';
import { nameProblem, type AppListResponse, type AppResponse } from '@hotpatch/core';
import { optionalField, parseJsonBody } from './parseJsonBody';

function appName(request: HttpRequest): string {
  const problem = nameProblem('app', request.pathParameters.app);
  if (problem) throw new BadRequestError(problem, 'app');
  return request.pathParameters.app!;
}

/** `POST /v1/apps {name, platforms}`: the app with staging and production and their deployment keys. */
export async function handleCreateApp(request: HttpRequest, registry: AppRegistry): Promise<HttpResponse> {
  const body = parseJsonBody(request);
  const name = optionalField(body, 'name', 'string');
  if (!name) throw new BadRequestError('name is required', 'name');
  if (!Array.isArray(body.platforms) || !body.platforms.every((platform) => typeof platform === 'string'))
    throw new BadRequestError('platforms must be a list such as ["ios","android"]', 'platforms');
  const app = await registry.create({ name, platforms: body.platforms });
  return jsonResponse(201, { app } satisfies AppResponse);
}

/** `GET /v1/apps`: only the apps the caller's key may see. */
export async function handleListApps(registry: AppRegistry, visible: (app: string) => boolean): Promise<HttpResponse> {
  const apps = (await registry.list())
    .filter((app) => visible(app.name))
    .map((app) => ({ name: app.name, platforms: app.platforms, channels: Object.keys(app.channels) }));
  return jsonResponse(200, { apps } satisfies AppListResponse);
}

/** `GET /v1/apps/:app`: channels and deployment keys. */
export async function handleShowApp(request: HttpRequest, registry: AppRegistry): Promise<HttpResponse> {
  const name = appName(request);
  const app = await registry.get(name);
  if (!app) throw new NotFoundError(`unknown app ${JSON.stringify(name)}`);
  return jsonResponse(200, { app } satisfies AppResponse);
}

/** `POST /v1/apps/:app/channels {name}`. */
export async function handleAddChannel(request: HttpRequest, registry: AppRegistry): Promise<HttpResponse> {
  const channel = optionalField(parseJsonBody(request), 'name', 'string');
  if (!channel) throw new BadRequestError('name is required', 'name');
  return jsonResponse(201, { app: await registry.addChannel(appName(request), channel) } satisfies AppResponse);
}

/** `DELETE /v1/apps/:app/channels/:channel`. */
export async function handleRemoveChannel(request: HttpRequest, registry: AppRegistry): Promise<HttpResponse> {
  return jsonResponse(200, {
    app: await registry.removeChannel(appName(request), request.pathParameters.channel ?? ''),
  } satisfies AppResponse);
}

/** `POST /v1/apps/:app/channels/:channel/keys {platform?}`: rotate deployment keys. */
export async function handleRotateKeys(request: HttpRequest, registry: AppRegistry): Promise<HttpResponse> {
  const platform = optionalField(parseJsonBody(request), 'platform', 'string');
  return jsonResponse(200, {
    app: await registry.rotateKeys(appName(request), request.pathParameters.channel ?? '', platform),
  } satisfies AppResponse);
}
