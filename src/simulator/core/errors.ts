/** Business errors of the core; each front maps `code` to its own wire code and message. */
export type CoreErrorCode =
  | 'invalid'
  | 'unknown_symbol'
  | 'unknown_account'
  | 'duplicate_link_id'
  | 'reduce_only'
  | 'not_found'
  | 'already_filled'
  | 'already_cancelled';

export class CoreError extends Error {
  override name = 'CoreError';
  constructor(
    readonly code: CoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}
