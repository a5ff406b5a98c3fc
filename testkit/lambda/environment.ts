/** The account and Region the emulators and the CloudFormation simulator assume when a test names none. */
export const DEFAULT_ACCOUNT = '111111111111';
export const DEFAULT_REGION = 'us-east-1';

/**
 * The access key id that the emulators read as `accountId`'s caller (AKID + the 12-digit account), so that
 * one emulator can serve several accounts and tell them apart by the SigV4 credential alone.
 */
export function accessKeyIdFor(accountId: string): string {
  return `AKID${accountId}`;
}

/** Which account and Region a handler function runs in. */
export interface FunctionLocation {
  readonly accountId?: string;
  readonly region?: string;
}

/**
 * The handler functions' environment for emulated endpoints: the SDK reads AWS_ENDPOINT_URL_<SERVICE>, the
 * Region from AWS_REGION and the account's credentials (see accessKeyIdFor) from AWS_ACCESS_KEY_ID.
 */
export function emulatorEnvironment(endpoints: { workspaces?: string; connect?: string }, location: FunctionLocation = {}): Record<string, string> {
  return {
    AWS_REGION: location.region ?? DEFAULT_REGION,
    AWS_ACCESS_KEY_ID: accessKeyIdFor(location.accountId ?? DEFAULT_ACCOUNT),
    AWS_SECRET_ACCESS_KEY: 'emulated-secret',
    ...(endpoints.workspaces ? { AWS_ENDPOINT_URL_WORKSPACES: endpoints.workspaces } : {}),
    ...(endpoints.connect ? { AWS_ENDPOINT_URL_CONNECT: endpoints.connect } : {}),
  };
}
