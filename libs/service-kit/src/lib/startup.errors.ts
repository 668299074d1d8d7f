/** Codes of the refusals to start: the process exits with one rather than run on state it would lose or leak. */
export const StartupErrorCode = {
  /** Redis has neither AOF nor RDB on (and REDIS_ALLOW_EPHEMERAL is not set). */
  RedisNotPersistent: 'redis-not-persistent',
  /** The embedded app's data folder (PERCH_DATA_DIR) or its secret file is missing, malformed or not a folder. */
  DataDirInvalid: 'data-dir-invalid',
  /** The data folder or its secret file is open to other users, or is a symbolic link. */
  DataDirUnsafe: 'data-dir-unsafe',
} as const;
export type StartupErrorCode = (typeof StartupErrorCode)[keyof typeof StartupErrorCode];
