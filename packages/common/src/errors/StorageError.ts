/**
 * Every failure of an object store other than "not found" (which is `null`, never an error).
 * It maps to 503 at the HTTP edge: a storage failure must never look like "no releases".
 */
export class StorageError extends Error {
  /** The storage key involved, when there is one. */
  readonly key: string | undefined;

  constructor(message: string, key?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StorageError';
    this.key = key;
  }

  /**
   * A stored JSON object's bytes through `parse` (which checks the shape), for every reader of stored JSON.
   * Unparseable or ill-shaped content is a `StorageError` naming the key: corrupt state must never read as
   * "nothing there", nor be served.
   */
  static parseStoredJson<T>(key: string, body: Buffer, parse: (json: unknown) => T): T {
    try {
      return parse(JSON.parse(body.toString('utf8')));
    } catch (error) {
      throw new StorageError(`corrupt object ${key}: ${(error as Error).message}`, key, { cause: error });
    }
  }
}

/** A write with `forbidOverwrite` found the key already taken (OSS: 409 `FileAlreadyExists`). */
export class ObjectExistsError extends StorageError {
  constructor(key: string, options?: ErrorOptions) {
    super(`object already exists: ${key}`, key, options);
    this.name = 'ObjectExistsError';
  }
}

/** The key is not a valid object name (empty, too long, NUL, `.`/`..` segments, leading slash). */
export class InvalidKeyError extends StorageError {
  constructor(key: string, reason: string) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`, key);
    this.name = 'InvalidKeyError';
  }
}

/** A byte range that starts past the end of the object (OSS: 416 `InvalidRange`). */
export class RangeNotSatisfiableError extends StorageError {
  readonly size: number;

  constructor(key: string, size: number, message: string) {
    super(message, key);
    this.name = 'RangeNotSatisfiableError';
    this.size = size;
  }
}
