/**
 * Why core declines a request or a change, in domain words and never as an HTTP status: `invalid` (the input
 * is malformed), `notFound` (it names something that does not exist), `conflict` (it contradicts the current
 * state). Every core result is a union discriminated on `kind`, and its refusal carries `reasons`, each a
 * sentence fit for the caller. Adapters map a refusal to their own vocabulary in one place (HTTP: common's
 * `refusalError`).
 */
export interface Refusal<Kind extends RefusalKind = RefusalKind> {
  kind: Kind;
  reasons: string[];
}

export type RefusalKind = 'invalid' | 'notFound' | 'conflict';

/** A refusal of one kind, with its reasons. */
export function refuse<Kind extends RefusalKind>(kind: Kind, ...reasons: string[]): Refusal<Kind> {
  return { kind, reasons };
}

/** Whether a result is a refusal (of any kind). */
export function isRefusal(value: unknown): value is Refusal {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return kind === 'invalid' || kind === 'notFound' || kind === 'conflict';
}
