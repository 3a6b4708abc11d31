/**
 * WEEX v2 error answers: `{code, msg, requestTime, data: null}` with a string code.
 * The 400xx header/signature codes are from WEEX's published list; parameter and order codes
 * are not documented for v2 and follow the Bitget-style numbering v2 inherits [U].
 */
export class WeexError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
  }
}

export const WEEX = {
  missingKey: () => new WeexError('40001', 'The request header "ACCESS_KEY" cannot be empty'),
  missingSign: () => new WeexError('40002', 'The request header "ACCESS_SIGN" cannot be empty'),
  missingTimestamp: () => new WeexError('40003', 'The request header "ACCESS_TIMESTAMP" cannot be empty'),
  badTimestamp: () => new WeexError('40005', 'Invalid ACCESS_TIMESTAMP'),
  badKey: () => new WeexError('40006', 'Invalid ACCESS_KEY'),
  badContentType: () => new WeexError('40007', 'Invalid Content_Type, please use the "application/json" format'),
  expired: () => new WeexError('40008', 'Request timestamp has expired'),
  badSign: () => new WeexError('40009', 'API validation failed'),
  missingPassphrase: () => new WeexError('40011', 'The request header "ACCESS_PASSPHRASE" cannot be empty'),
  badPassphrase: () => new WeexError('40012', 'Incorrect API key/passphrase'),
  system: () => new WeexError('40015', 'System error', 500),
  tooMany: () => new WeexError('429', 'Requesting too frequently', 429),
  needId: () => new WeexError('40913', 'Either orderId or clientId must be provided'),
  // [U] Bitget-style codes for the rest.
  param: (name: string, why = 'error') => new WeexError('40020', `Parameter ${name} ${why}`),
  missing: (name: string) => new WeexError('40019', `Parameter ${name} cannot be empty`),
  noOrder: () => new WeexError('40768', 'Order does not exist'),
  duplicateClientOid: () => new WeexError('40786', 'Duplicate clientOid'),
  noPosition: () => new WeexError('40757', 'Not enough position is available'),
  notFound: () => new WeexError('40404', 'Request URL NOT FOUND', 404),
};
