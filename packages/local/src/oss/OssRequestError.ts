/** A request the local OSS server refuses, rendered as OSS's XML error body with OSS's code and status. */
export class OssRequestError extends Error {
  readonly status: number;
  readonly code: string;
  /** Extra elements OSS adds to some errors (e.g. `StringToSign` on a signature mismatch). */
  readonly details: Record<string, string>;

  constructor(status: number, code: string, message: string, details: Record<string, string> = {}) {
    super(message);
    this.name = 'OssRequestError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}
