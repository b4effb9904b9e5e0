import type { OssCredentials } from '../signing/ossV1Signature';
import type { DownloadUrlConfig } from './createDownloadUrlBuilder';

/** Where and how to reach an OSS bucket: shared by the ali-oss store and hotpatch's own HTTP store. */
export interface OssStoreOptions {
  bucket: string;
  /** `oss-cn-shanghai`; ignored when `endpoint` is set. */
  region?: string;
  /** e.g. `https://oss-cn-shanghai-internal.aliyuncs.com`, or the local stack's `http://127.0.0.1:3001`. */
  endpoint?: string;
  /** Put the bucket in the path instead of the host name (ali-oss `sldEnable`). */
  pathStyle?: boolean;
  /** Called before every operation: FC rotates the function role's STS credentials, and the client follows. */
  credentials: () => OssCredentials;
  downloadUrl: DownloadUrlConfig;
  /**
   * Per-request deadline (default 60 s): from sending until the whole answer is read (for `getStream`, until
   * its headers; the body then fails after this long without data). The socket is destroyed when it passes.
   */
  timeoutMs?: number;
}
