import { refuse } from '@hotpatch/core';
import { createLogger } from '../logging';
import { errorToHttpResponse } from '../http/jsonResponse';
import { refusalError } from './refusalError';

const logger = createLogger({ service: 't', write: () => undefined });

describe('refusalError', () => {
  it.each([
    ['invalid', 400, 'BadRequest'],
    ['notFound', 404, 'NotFound'],
    ['conflict', 409, 'Conflict'],
  ] as const)('answers a core %s refusal with %i and its reasons', (kind, statusCode, code) => {
    const response = errorToHttpResponse(refusalError(refuse(kind, 'first', 'second')), logger);
    expect(response.statusCode).toBe(statusCode);
    expect(JSON.parse(String(response.body))).toEqual({ error: { code, message: 'first; second' } });
  });

  it('names the parameter of an invalid input', () => {
    expect(
      JSON.parse(String(errorToHttpResponse(refusalError(refuse('invalid', 'bad name'), 'app'), logger).body)),
    ).toEqual({ error: { code: 'BadRequest', message: 'bad name', parameter: 'app' } });
  });
});
