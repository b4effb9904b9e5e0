/** Field names whose values never reach a log line. */
const SECRET_FIELD = /secret|password|passwd|token|signature|authorization|credential|private.?key|cookie/i;

/** Query parameters that make a URL a credential (OSS presigned URLs, API Gateway signatures). */
const SIGNED_URL_PARAMETER =
  /([?&](?:Signature|OSSAccessKeyId|security-token|x-oss-signature|x-oss-credential|X-Ca-Signature)=)[^&\s"']*/gi;

export const REDACTED = '[redacted]';

/** Removes secrets from a value before it is logged: secret-named fields, and signatures inside URLs. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(SIGNED_URL_PARAMETER, `$1${REDACTED}`);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) {
    const plain: Record<string, unknown> = { name: value.name, message: redact(value.message) };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) plain.code = code;
    if (value.stack) plain.stack = redact(value.stack);
    if (value.cause !== undefined) plain.cause = redact(value.cause, depth + 1);
    return plain;
  }
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    result[key] = SECRET_FIELD.test(key) ? REDACTED : redact(item, depth + 1);
  return result;
}
