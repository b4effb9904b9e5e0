// @alicloud/fc2 ships no types: the part of its API hotpatch deploy uses (docs/protocols/aliyun.md §5).
declare module '@alicloud/fc2' {
  interface FcResponse<T = Record<string, unknown>> {
    headers: Record<string, string>;
    data: T;
  }
  interface FcClientConfig {
    accessKeyID: string;
    accessKeySecret: string;
    securityToken?: string;
    region: string;
    secure?: boolean;
    endpoint?: string;
    timeout?: number;
  }
  class FCClient {
    constructor(accountId: string, config: FcClientConfig);
    getService(name: string): Promise<FcResponse>;
    createService(name: string, options: Record<string, unknown>): Promise<FcResponse>;
    updateService(name: string, options: Record<string, unknown>): Promise<FcResponse>;
    getFunction(service: string, name: string): Promise<FcResponse>;
    createFunction(service: string, options: Record<string, unknown>): Promise<FcResponse>;
    updateFunction(service: string, name: string, options: Record<string, unknown>): Promise<FcResponse>;
    getTrigger(service: string, fn: string, name: string): Promise<FcResponse>;
    createTrigger(service: string, fn: string, options: Record<string, unknown>): Promise<FcResponse>;
    updateTrigger(service: string, fn: string, name: string, options: Record<string, unknown>): Promise<FcResponse>;
    deleteTrigger(service: string, fn: string, name: string): Promise<FcResponse>;
  }
  export = FCClient;
}
