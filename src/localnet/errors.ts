// Reject codes and error codes as the IC interface specification and the replica define them.

export const RejectCode = {
  SYS_FATAL: 1,
  SYS_TRANSIENT: 2,
  DESTINATION_INVALID: 3,
  CANISTER_REJECT: 4,
  CANISTER_ERROR: 5,
  SYS_UNKNOWN: 6,
} as const;
export type RejectCode = (typeof RejectCode)[keyof typeof RejectCode];

/**
 * The replica's error codes (the `error_code` field of rejected ingress responses), as its current
 * ErrorCode enumeration numbers them: the hundreds digit is the reject code.
 */
export const ErrorCode = {
  CANISTER_OUT_OF_CYCLES: 'IC0207',
  CANISTER_NOT_FOUND: 'IC0301',
  CANISTER_METHOD_NOT_FOUND: 'IC0536',
  CANISTER_WASM_MODULE_NOT_FOUND: 'IC0537',
  CANISTER_ALREADY_INSTALLED: 'IC0538',
  DEADLINE_EXPIRED: 'IC0601',
  UNKNOWN_MANAGEMENT_MESSAGE: 'IC0407',
  INVALID_MANAGEMENT_PAYLOAD: 'IC0408',
  INSUFFICIENT_CYCLES_FOR_CREATE: 'IC0403',
  CANISTER_TRAPPED: 'IC0502',
  CANISTER_CALLED_TRAP: 'IC0503',
  CANISTER_CONTRACT_VIOLATION: 'IC0504',
  CANISTER_INVALID_WASM: 'IC0505',
  CANISTER_DID_NOT_REPLY: 'IC0506',
  CANISTER_STOPPED: 'IC0508',
  CANISTER_STOPPING: 'IC0509',
  CANISTER_NOT_STOPPED: 'IC0510',
  CANISTER_INVALID_CONTROLLER: 'IC0512',
  INSTRUCTION_LIMIT_EXCEEDED: 'IC0522',
  CANISTER_REJECT: 'IC0406',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const REJECT_CODE_OF: Record<ErrorCode, RejectCode> = {
  IC0207: RejectCode.SYS_TRANSIENT,
  IC0301: RejectCode.DESTINATION_INVALID,
  IC0536: RejectCode.CANISTER_ERROR,
  IC0537: RejectCode.CANISTER_ERROR,
  IC0538: RejectCode.CANISTER_ERROR,
  IC0601: RejectCode.SYS_UNKNOWN,
  IC0407: RejectCode.CANISTER_REJECT,
  IC0408: RejectCode.CANISTER_REJECT,
  IC0403: RejectCode.CANISTER_ERROR,
  IC0406: RejectCode.CANISTER_REJECT,
  IC0502: RejectCode.CANISTER_ERROR,
  IC0503: RejectCode.CANISTER_ERROR,
  IC0504: RejectCode.CANISTER_ERROR,
  IC0505: RejectCode.CANISTER_ERROR,
  IC0506: RejectCode.CANISTER_ERROR,
  IC0508: RejectCode.CANISTER_ERROR,
  IC0509: RejectCode.CANISTER_ERROR,
  IC0510: RejectCode.CANISTER_ERROR,
  IC0512: RejectCode.CANISTER_ERROR,
  IC0522: RejectCode.CANISTER_ERROR,
};

/** A rejection: what a caller receives instead of a reply. */
export class Reject extends Error {
  constructor(
    readonly code: RejectCode,
    message: string,
    readonly errorCode?: ErrorCode,
  ) {
    super(message);
    this.name = 'Reject';
  }

  static of(errorCode: ErrorCode, message: string): Reject {
    return new Reject(REJECT_CODE_OF[errorCode], message, errorCode);
  }
}

/** Thrown inside an execution to abort it; the host rolls the message back. */
export class Trap extends Error {
  constructor(
    message: string,
    readonly errorCode: ErrorCode = ErrorCode.CANISTER_CALLED_TRAP,
  ) {
    super(message);
    this.name = 'Trap';
  }
}
