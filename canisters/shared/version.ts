// Every canister reports its name and the release it was built from, so a deployment can be
// checked against the source. Bump RELEASE when the canisters' behaviour changes.
export const RELEASE = '0.1.0';

export function versionOf(canisterName: string): string {
  return `${canisterName} ${RELEASE}`;
}
