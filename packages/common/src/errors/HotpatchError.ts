/**
 * The base of every error hotpatch raises on purpose. `statusCode` is the HTTP status it maps to; `code` is a
 * stable machine-readable name that appears in JSON error bodies. Only errors below 500 expose their message
 * to clients: a 5xx body never carries internals (see `errorToHttpResponse`).
 */
export class HotpatchError extends Error {
  readonly statusCode: number;
  readonly code: string;

  constructor(message: string, statusCode: number, code: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'HotpatchError';
    this.statusCode = statusCode;
    this.code = code;
  }

  /** Whether `message` may be shown to a client. */
  get exposeMessage(): boolean {
    return this.statusCode < 500;
  }
}

/** 400: the request is malformed; `parameter` names the offending input when there is one. */
export class BadRequestError extends HotpatchError {
  readonly parameter: string | undefined;

  constructor(message: string, parameter?: string, options?: ErrorOptions) {
    super(message, 400, 'BadRequest', options);
    this.name = 'BadRequestError';
    this.parameter = parameter;
  }
}

/** 401: no or invalid credentials. */
export class UnauthorizedError extends HotpatchError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 401, 'Unauthorized', options);
    this.name = 'UnauthorizedError';
  }
}

/** 403: authenticated, but not allowed. */
export class ForbiddenError extends HotpatchError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 403, 'Forbidden', options);
    this.name = 'ForbiddenError';
  }
}

/** 404: the named thing does not exist. */
export class NotFoundError extends HotpatchError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 404, 'NotFound', options);
    this.name = 'NotFoundError';
  }
}

/** 405: the route exists but not for this method. */
export class MethodNotAllowedError extends HotpatchError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 405, 'MethodNotAllowed', options);
    this.name = 'MethodNotAllowedError';
  }
}

/** 409: the change conflicts with the current state (an invalid transition, a name taken). */
export class ConflictError extends HotpatchError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 409, 'Conflict', options);
    this.name = 'ConflictError';
  }
}

/** 413: the request body is larger than allowed. */
export class PayloadTooLargeError extends HotpatchError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 413, 'PayloadTooLarge', options);
    this.name = 'PayloadTooLargeError';
  }
}

/** 503: a dependency (storage) failed; the client should retry later and must not cache the answer. */
export class ServiceUnavailableError extends HotpatchError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 503, 'ServiceUnavailable', options);
    this.name = 'ServiceUnavailableError';
  }
}

/** A configuration variable is missing or malformed; raised at start, before any request is served. */
export class ConfigError extends HotpatchError {
  readonly variable: string;

  constructor(variable: string, message: string, options?: ErrorOptions) {
    super(`${variable}: ${message}`, 500, 'ConfigError', options);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}
