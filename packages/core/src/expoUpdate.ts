/**
 * What the release log and the catalog hold for an Expo update (Expo Updates protocol v1, docs/protocols/expo.md):
 * everything the manifest needs, fixed at release, so the manifest route reads one catalog and nothing else.
 */

/** One file of an Expo update (the launch asset or an image, font, …), stored once by its bytes. */
export interface ExpoAsset {
  /** Where the bytes are (`storageKeys.expoAsset`, keyed by the SHA-256 hex of the bytes): public-read content. */
  contentKey: string;
  /** The manifest's `hash`: base64url (no padding) of the SHA-256 of the bytes; what the client verifies. */
  hash: string;
  /** The manifest's `key`: how the bundle refers to the asset (the file name `expo export` gave it, without extension). */
  key: string;
  /** The manifest's `contentType`, also the `Content-Type` the bytes are stored with. */
  contentType: string;
  /** With its leading `.`: `.png`, `.ttf`; `.bundle` or `.hbc` for the launch asset. */
  fileExtension: string;
  size: number;
}

/** The Expo part of a release: present exactly when the release is an Expo update. */
export interface ExpoUpdate {
  /**
   * The update's UUID, lowercase. Every release entry (upload, promote, rollback) gets a fresh one, so a copy
   * of an older update is newer to the client than what it runs; a retried upload event keeps its release and id.
   */
  id: string;
  /** The exact string devices send as `expo-runtime-version`; matched exactly, never as a range. */
  runtimeVersion: string;
  /** The JS or Hermes bundle. */
  launchAsset: ExpoAsset;
  assets: ExpoAsset[];
  /** The manifest's `metadata` (string values only). */
  metadata: Record<string, string>;
  /** The manifest's `extra`: `expoClient` is the app config given at release, so `Constants.expoConfig` works. */
  extra: { expoClient?: Record<string, unknown> };
}

/**
 * A "roll back to the embedded bundle" instruction for a deployment, compiled from its log entry: devices on
 * the runtime version (every runtime version when `runtimeVersion` is absent) get the `rollBackToEmbedded`
 * directive with `commitTime` = `at`, until a newer release for their runtime version supersedes it.
 */
export interface EmbeddedRollback {
  /** The log entry that made it: newer than every release with a lower `seq`, older than every later one. */
  seq: number;
  /** ISO time of the entry: the directive's `parameters.commitTime`. */
  at: string;
  runtimeVersion?: string;
  by: string;
}
