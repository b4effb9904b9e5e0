/** The parts of FC's `context` argument hotpatch reads (docs/protocols/aliyun.md §1). */
export interface FcContext {
  requestId: string;
  /**
   * The function role's STS credentials. FC documents no expiry field; `expiration`/`Expiration` are read
   * when present, so signed download URLs never outlive the token.
   */
  credentials?: {
    accessKeyId: string;
    accessKeySecret: string;
    securityToken?: string;
    expiration?: string | number;
    Expiration?: string | number;
  };
  function?: { name: string; handler?: string; memory?: number; timeout?: number };
  service?: { name?: string; logProject?: string; logStore?: string; qualifier?: string; versionId?: string };
  region?: string;
  accountId?: string;
}
