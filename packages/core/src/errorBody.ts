/**
 * The JSON error body every hotpatch route returns: `{ error: { code, message, parameter? } }`. Built by
 * common's error mapping, read by the CLI's API client.
 */
export interface ErrorBody {
  error: { code: string; message: string; parameter?: string };
}
