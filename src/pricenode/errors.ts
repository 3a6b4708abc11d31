import { RobosyncError } from '../errors.js';

/**
 * What a remote node's answers mean to a sync run. Messages name the node's path and status,
 * never the API key.
 * - NodeUnreachableError: no usable answer (refused, timeout, 5xx): the node is down; back off.
 * - NodeAuthError: 401/403: the key is wrong or missing; back off, the operator must act.
 * - NodeRejectedError: another 4xx: this request is wrong (an unknown timeframe, a bad token).
 * - NodeAnswerError: an answer that is not the export API's shape, or a row that fails validation.
 */
export class NodeUnreachableError extends RobosyncError {}

export class NodeAuthError extends RobosyncError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export class NodeRejectedError extends RobosyncError {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export class NodeAnswerError extends RobosyncError {}

/** Failures that concern the whole node rather than one (pair, data type). */
export function isNodeWide(err: unknown): boolean {
  return err instanceof NodeUnreachableError || err instanceof NodeAuthError;
}

/** Bad node registration input (API body, CLI options): names the field, expected and received. */
export class NodeInputError extends RobosyncError {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}
