/** The body of a 200 answer to `GET /v1/health` (getLatestBundle) and `GET /v1/manage/health` (publishBundle). */
export interface HealthResponse {
  status: 'ok';
  /** Which storage the function reached (`ObjectStore.kind`). */
  storage: string;
}

/**
 * publishBundle's `GET /v1/manage/health` answer (HTTP 500) when the app keys load but another setting does
 * not: the variable to fix and what is wrong with it, never a secret.
 */
export interface MisconfiguredHealthResponse {
  status: 'misconfigured';
  error: { code: string; variable: string; message: string };
}
