// Cycle costs, from the public cost tables (internetcomputer.org "Cycles costs", dfinity/portal
// docs/building-apps/essentials/gas-cost.mdx and docs/references/cycles-cost-formulas.mdx).
// Fees are quoted for a 13-node subnet and scale linearly with the subnet size.

const BASE_SUBNET = 13n;

export type Fees = ReturnType<typeof feesFor>;

export function feesFor(subnetSize: number) {
  const n = BigInt(subnetSize);
  const scale = (cycles: bigint) => (cycles * n) / BASE_SUBNET;
  return {
    canisterCreation: scale(500_000_000_000n),
    updateMessageExecution: scale(5_000_000n),
    /** Per Wasm instruction: 1 cycle on 13 nodes (the table quotes 1B cycles per 1B instructions). */
    perInstruction: (instructions: bigint) => scale(instructions),
    xnetCall: scale(260_000n),
    xnetByte: scale(1_000n),
    ingressMessage: scale(1_200_000n),
    ingressByte: scale(2_000n),
    /**
     * HTTPS outcall: (3_000_000 + 60_000 * n) * n + 400 * n * request_bytes + 800 * n * max_response_bytes,
     * with n the number of nodes (49_140_000 + 5_200 per request byte + 10_400 per response byte on 13).
     */
    httpOutcall: (requestBytes: bigint, maxResponseBytes: bigint) =>
      (3_000_000n + 60_000n * n) * n + 400n * n * requestBytes + 800n * n * maxResponseBytes,
  };
}

/** Instruction limits per message, from the resource limits page. */
export const INSTRUCTION_LIMITS = {
  update: 40_000_000_000n,
  query: 5_000_000_000n,
  install: 300_000_000_000n,
  inspect: 200_000_000n,
};

/** The largest reply a call can receive (2 MiB); the caller prepays transmitting it. */
export const MAX_RESPONSE_BYTES = 2_097_152n;

/** The default max_response_bytes of an HTTPS outcall and the hard limit (2 MB). */
export const HTTP_MAX_RESPONSE_BYTES = 2_000_000n;
