// The reply of claim_admin (admin_claim.ts), apart from its glue so agents can import it without azle.
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';

export const ClaimAdminError = IDL.Variant({ Unauthorized: IDL.Text });
export const ClaimAdminResult = IDL.Variant({ Ok: IDL.Principal, Err: ClaimAdminError });
export type ClaimAdminResult = { Ok: Principal } | { Err: { Unauthorized: string } };
