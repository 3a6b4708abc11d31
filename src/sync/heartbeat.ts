/** The cursor row where the engine records each account's last successful sync (for `robosync status`). */
export const SYNC_HEARTBEAT_STREAM = 'sync';
